// cpp-httplib client for the external captcha service; runs on the worker pool with the login.
#include "account/captcha/external_captcha.hpp"

#include <stdexcept>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "core/http.hpp"

namespace caf::account {
namespace {

std::string binding_digest(std::string_view binding) { return crypto::hex_encode(crypto::sha256(binding)); }

}  // namespace

ExternalCaptcha::ExternalCaptcha(ExternalCaptchaSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock), guard_(settings_.guard) {
    auto parts = http::split_http_url(settings_.service_url);
    if (!parts) throw std::invalid_argument("captcha.service_url must be http(s)://HOST[:PORT][/PATH]");
    origin_ = std::move(parts->origin);
    base_path_ = parts->path;
    while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
}

namespace {

// nullopt: no usable answer. No answer at all or a 5xx counts as the service failing.
std::optional<nlohmann::json> post_json(UpstreamGuard& guard, const Clock& clock, const std::string& origin,
                                        const std::string& path, const std::string& token,
                                        std::chrono::milliseconds timeout, const nlohmann::json& body) {
    auto response = guard.run(
        clock,
        [&] {
            httplib::Client client(origin);
            client.set_connection_timeout(timeout);
            client.set_read_timeout(timeout);
            client.set_write_timeout(timeout);
            return client.Post(path, {{"Authorization", "Bearer " + token}}, body.dump(), "application/json");
        },
        [](UpstreamGuard::Refusal) { return httplib::Result{nullptr, httplib::Error::Canceled}; },
        [](const httplib::Result& result) { return !result || result->status >= 500; });
    if (!response || response->status != 200) return std::nullopt;
    auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) return std::nullopt;
    return json;
}

}  // namespace

CaptchaPrompt ExternalCaptcha::prompt(std::string_view binding, TimePoint) {
    auto answer = post_json(guard_, clock_, origin_, base_path_ + "/challenges", settings_.token, settings_.timeout,
                            {{"binding", binding_digest(binding)}});
    if (!answer || !(*answer)["id"].is_string() || !(*answer)["image_url"].is_string()) return {};
    std::string image = (*answer)["image_url"];
    // Only an image from the service itself (the pages' CSP allows that origin and no other).
    if (!image.starts_with(origin_ + "/")) return {};
    return {(*answer)["id"], image, std::string(captcha_alt)};
}

bool ExternalCaptcha::check(std::string_view id, std::string_view typed, std::string_view binding, TimePoint) {
    if (id.empty() || typed.empty()) return false;
    auto answer = post_json(guard_, clock_, origin_, base_path_ + "/verify", settings_.token, settings_.timeout,
                            {{"id", id}, {"answer", normalise_captcha_answer(typed)}, {"binding", binding_digest(binding)}});
    return answer && (*answer)["success"].is_boolean() && (*answer)["success"].get<bool>();
}

}  // namespace caf::account
