// "Mot de passe oublié" and "Identifiant provisoire oublié ?" (SPEC.md §6): the routes.
#pragma once

#include "account/web/account_context.hpp"
#include "core/router.hpp"

namespace caf::account {

// Registers, on `router` (every route blocking: store, captcha, Argon2id):
//   GET  /mot-de-passe-oublie              step 1: identifier + nom de naissance + captcha (?provisoire=1)
//   POST /mot-de-passe-oublie              step 1 answered: starts the request (cookie __Host-caf_recuperation)
//   GET  /mot-de-passe-oublie/etapes       the request's current page: channel, code, new password
//   POST /mot-de-passe-oublie/etapes       that page's form
//   POST /mot-de-passe-oublie/abandonner   "Abandonner": drops the request
//   GET  /identifiant-provisoire-oublie    état civil + contact + captcha
//   POST /identifiant-provisoire-oublie    the identifier sent to that contact when all matches
// Needs context.codes (without it, no code can be sent: the page says to ask the Caf) and, for the
// captcha, context.captcha.
void register_recovery_routes(http::Router& router, AccountContext& context);

}  // namespace caf::account
