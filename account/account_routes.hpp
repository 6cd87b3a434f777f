// The account side's pages: native login ("Connexion"), the account home ("Gérer Mon Compte"),
// logout, and the "bientôt disponible" pages of flows whose issues have not landed yet.
#pragma once

#include "account/captcha/captcha.hpp"
#include "account/lockout/lockout_policy.hpp"
#include "account/password/password_hasher.hpp"
#include "account/personal_data/personal_data_protector.hpp"
#include "account/verification/verification_code_service.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/csrf.hpp"
#include "core/html_templates.hpp"
#include "core/random.hpp"
#include "core/router.hpp"
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
    // Login security (account/security_routes.hpp). Set by the composition root; without a
    // captcha provider no captcha is asked (rule tests), without a code service the contact
    // step of the first connection is skipped.
    CaptchaProvider* captcha = nullptr;            // the "Vérification de sécurité" from the 4th attempt
    VerificationCodeService* codes = nullptr;      // first-connection contact confirmation
    // The chained logout of sessions opened through FranceConnect or another provider
    // (providers/, wired by the composition root); none: local logout only.
    UpstreamLogout* upstream_logout = nullptr;
};

// Registers, on `router`:
//   GET  /connexion                       blocking  login page (?interaction=ID, ?provisoire=1)
//   POST /connexion                       blocking  login (Argon2id, store)
//   GET  /connexion/oublier-identifiant   inline    forgets the remembered identifier
//   GET  /mon-compte                      blocking  account home (SSO session required)
//   POST /deconnexion                     blocking  ends the SSO session
//   GET  /deconnexion                     inline    "Vous êtes déconnecté"
//   GET  /franceconnect                   inline    "bientôt disponible" when no provider "franceconnect"
//                                                   is configured (else providers/ registers it)
// "Créer Mon Compte" is registered by register_creation_routes (account/creation/).
// The recovery pages are registered by register_recovery_routes (account/recovery/).
void register_account_routes(http::Router& router, AccountContext& context);

}  // namespace caf::account
