// AccountContext: what the pages and route tables of account/web/ are given, built once by the
// composition root.
#pragma once

#include "account/captcha/captcha.hpp"
#include "account/lockout/lockout_policy.hpp"
#include "account/password/password_hasher.hpp"
#include "core/personal_data_protector.hpp"
#include "account/verification/verification_code_service.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/csrf.hpp"
#include "core/html_templates.hpp"
#include "core/random.hpp"
#include "core/upstream_logout.hpp"
#include "storage/database.hpp"

namespace caf::account {

// Everything the account pages share, built once by the composition root. Every member outlives
// the router.
struct AccountContext {
    const config::Config& config;  // config.oidc.session_idle / session_absolute
    storage::Database& db;
    const PersonalDataProtector& protector;
    const PasswordHasher& hasher;  // Argon2 parameters of config.passwords
    const LockoutPolicy& lockout;
    const HtmlTemplates& pages;    // web/templates
    const CsrfGuard& csrf;
    const Clock& clock;
    Random& random;                // session ids
    // Login security (account/web/security_routes.hpp). Set by the composition root; without a
    // captcha provider no captcha is asked (rule tests), without a code service the contact
    // step of the first connection is skipped.
    CaptchaProvider* captcha = nullptr;            // the "Vérification de sécurité" from the 4th attempt
    VerificationCodeService* codes = nullptr;      // first-connection contact confirmation
    // The chained logout of sessions opened through FranceConnect or another provider
    // (providers/, wired by the composition root); none: local logout only.
    UpstreamLogout* upstream_logout = nullptr;
};

}  // namespace caf::account
