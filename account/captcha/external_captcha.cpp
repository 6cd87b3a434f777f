#include "account/captcha/external_captcha.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "core/http.hpp"

namespace caf::account {
namespace {

std::string binding_digest(std::string_view binding) { return crypto::hex_encode(crypto::sha256(binding)); }

}  // namespace

ExternalCaptcha::ExternalCaptcha(ExternalCaptchaSettings settings, http::HttpFetcher& fetcher, const Clock& clock)
    : settings_(std::move(settings)), guard_(settings_.guard), fetcher_(fetcher, guard_, clock) {
    auto parts = http::split_http_url(settings_.service_url);
    if (!parts) throw std::invalid_argument("captcha.service_url must be http(s)://HOST[:PORT][/PATH]");
    origin_ = std::move(parts->origin);
    base_path_ = parts->path;
    while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
}

// No answer at all or a 5xx counts as the service failing (the guard then leaves it alone).
std::optional<nlohmann::json> ExternalCaptcha::post_json(const std::string& path, const nlohmann::json& body) {
    auto reply = fetcher_.post(origin_ + path, {{"Authorization", "Bearer " + settings_.token}}, body.dump(),
                               "application/json", settings_.timeout);
    if (!reply || reply->status != 200) return std::nullopt;
    auto json = nlohmann::json::parse(reply->body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) return std::nullopt;
    return json;
}

CaptchaPrompt ExternalCaptcha::prompt(std::string_view binding, TimePoint) {
    auto answer = post_json(base_path_ + "/challenges", {{"binding", binding_digest(binding)}});
    if (!answer || !(*answer)["id"].is_string() || !(*answer)["image_url"].is_string()) return {};
    std::string image = (*answer)["image_url"];
    // Only an image from the service itself (the pages' CSP allows that origin and no other).
    if (!image.starts_with(origin_ + "/")) return {};
    return {(*answer)["id"], image, std::string(captcha_alt)};
}

bool ExternalCaptcha::check(std::string_view id, std::string_view typed, std::string_view binding, TimePoint) {
    if (id.empty() || typed.empty()) return false;
    auto answer = post_json(base_path_ + "/verify",
                            {{"id", id}, {"answer", normalise_captcha_answer(typed)}, {"binding", binding_digest(binding)}});
    return answer && (*answer)["success"].is_boolean() && (*answer)["success"].get<bool>();
}

}  // namespace caf::account
