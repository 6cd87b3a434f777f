// The account side's pages: native login ("Connexion"), the account home ("Gérer Mon Compte"),
// logout, and the "bientôt disponible" pages of flows whose issues have not landed yet.
#pragma once

#include "account/web/account_context.hpp"
#include "core/router.hpp"

namespace caf::account {

// Registers, on `router`:
//   GET  /connexion                       blocking  login page (?interaction=ID, ?provisoire=1)
//   POST /connexion                       blocking  login (Argon2id, store)
//   GET  /connexion/oublier-identifiant   inline    forgets the remembered identifier
//   GET  /mon-compte                      blocking  account home (SSO session required)
//   POST /deconnexion                     blocking  ends the SSO session
//   GET  /deconnexion                     inline    "Vous êtes déconnecté"
//   GET  /franceconnect                   inline    "bientôt disponible" when no provider "franceconnect"
//                                                   is configured (else providers/ registers it)
// "Créer Mon Compte" is registered by register_creation_routes (account/web/creation_routes.hpp).
// The recovery pages are registered by register_recovery_routes (account/web/recovery_routes.hpp).
void register_account_routes(http::Router& router, AccountContext& context);

}  // namespace caf::account
