// Login security's routes and the plain values the composition root builds its services from
// (SPEC.md §2, §3, §5): the pending steps after a login, "Modifier mon mot de passe", "Mon
// historique". The login page itself stays registered by register_account_routes.
#pragma once

#include "account/captcha/captcha.hpp"
#include "account/lockout/lockout_policy.hpp"
#include "account/verification/verification_code_service.hpp"
#include "account/web/account_context.hpp"
#include "config/config.hpp"
#include "core/router.hpp"

namespace caf::account {

// Registers, on `router` (every route blocking: store, Argon2id):
//   GET  /connexion/etapes              the current pending step (cookie __Host-caf_etapes)
//   POST /connexion/etapes              the current step's form
//   POST /connexion/etapes/quitter      "Quitter": drops the pending login
//   GET  /mon-compte/mot-de-passe       "Modifier mon mot de passe" (SSO session)
//   POST /mon-compte/mot-de-passe
//   GET  /mon-compte/historique         "Mon historique" (SSO session)
void register_login_security_routes(http::Router& router, AccountContext& context);

// The typed settings of the services, from the configuration's [lockout], [captcha] and
// [verification_codes] tables.
LockoutConfig lockout_config(const config::Config& config);
CaptchaConfig captcha_config(const config::Config& config);
VerificationCodeConfig verification_code_config(const config::Config& config);

}  // namespace caf::account
