// A captcha run by an external service (config `[captcha] provider = "external"`), behind the
// same CaptchaProvider seam as the built-in one. The service's HTTP protocol:
//   POST <service_url>/challenges  {"binding": B}                    → {"id": …, "image_url": …}
//   POST <service_url>/verify      {"id": …, "answer": …, "binding": B} → {"success": true|false}
// with `Authorization: Bearer <token>`; B is the hex SHA-256 of the form's binding, so the
// service never sees the CSRF token itself. Any error or timeout fails closed: no challenge can
// be shown, and no answer passes. The calls run on the worker pool with the login, so a service
// that hangs may hold at most `guard.max_in_flight` workers, and once it has failed every call
// fails at once for `guard.open_for` (core/upstream_guard.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "account/captcha/captcha.hpp"
#include "core/clock.hpp"
#include "core/guarded_fetcher.hpp"
#include "core/upstream_guard.hpp"

namespace caf::account {

struct ExternalCaptchaSettings {
    std::string service_url;  // http(s)://HOST[:PORT][/PATH]
    std::string token;        // a secret
    std::chrono::milliseconds timeout{3000};
    UpstreamGuard::Settings guard;
};

class ExternalCaptcha final : public CaptchaProvider {
public:
    // Throws std::invalid_argument for a malformed URL (a startup error).
    // `fetcher` and `clock` must outlive the provider.
    ExternalCaptcha(ExternalCaptchaSettings settings, http::HttpFetcher& fetcher, const Clock& clock);

    CaptchaPrompt prompt(std::string_view binding, TimePoint now) override;
    bool check(std::string_view id, std::string_view typed, std::string_view binding, TimePoint now) override;

    // The service's origin, for the pages' Content-Security-Policy img-src.
    const std::string& origin() const { return origin_; }

private:
    // The answers of the service, parsed; nullopt when there is no usable one.
    std::optional<nlohmann::json> post_json(const std::string& path, const nlohmann::json& body);

    ExternalCaptchaSettings settings_;
    UpstreamGuard guard_;
    http::GuardedFetcher fetcher_;
    std::string origin_;
    std::string base_path_;
};

}  // namespace caf::account
