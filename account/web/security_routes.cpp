// Route table of login security, and the configuration turned into the services' settings.
#include "account/web/security_routes.hpp"

#include "account/web/history_page.hpp"
#include "account/web/password_change.hpp"
#include "account/web/step_pages.hpp"

namespace caf::account {

void register_login_security_routes(http::Router& router, AccountContext& ctx) {
    using http::Execution;
    using http::Request;
    router.add("GET", "/connexion/etapes", Execution::blocking,
               [&ctx](const Request& r) { return steps::show_current_step(r, ctx); });
    router.add("POST", "/connexion/etapes", Execution::blocking,
               [&ctx](const Request& r) { return steps::submit_current_step(r, ctx); });
    router.add("POST", "/connexion/etapes/quitter", Execution::blocking,
               [&ctx](const Request& r) { return steps::quit_steps(r, ctx); });
    router.add("GET", "/mon-compte/mot-de-passe", Execution::blocking,
               [&ctx](const Request& r) { return show_password_change(r, ctx); });
    router.add("POST", "/mon-compte/mot-de-passe", Execution::blocking,
               [&ctx](const Request& r) { return submit_password_change(r, ctx); });
    router.add("GET", "/mon-compte/historique", Execution::blocking,
               [&ctx](const Request& r) { return show_login_history(r, ctx); });
}

LockoutConfig lockout_config(const config::Config& config) {
    LockoutConfig out;
    out.captcha_after_failures = int(config.lockout.captcha_after_failures);
    out.freeze_after_failures = int(config.lockout.freeze_after_failures);
    out.freeze_durations.clear();
    for (auto minutes : config.lockout.freeze_minutes) out.freeze_durations.emplace_back(std::chrono::minutes{minutes});
    return out;
}

CaptchaConfig captcha_config(const config::Config& config) {
    CaptchaConfig out;
    out.validity = std::chrono::seconds{config.captcha.validity_seconds};
    return out;
}

VerificationCodeConfig verification_code_config(const config::Config& config) {
    const auto& v = config.verification_codes;
    VerificationCodeConfig out;
    out.sms_validity = std::chrono::seconds{v.sms_validity_seconds};
    out.email_validity = std::chrono::seconds{v.email_validity_seconds};
    out.letter_validity = std::chrono::days{v.letter_validity_days};
    out.max_tries = int(v.max_tries);
    out.resend_min_interval = std::chrono::seconds{v.resend_interval_seconds};
    out.max_sends_per_hour = int(v.max_sends_per_hour);
    return out;
}

}  // namespace caf::account
