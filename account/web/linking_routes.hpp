// Route table of external identity linking (SPEC.md §8 steps 3 and 4).
#pragma once

#include "core/router.hpp"

namespace caf::account {

struct AccountContext;

// Registers, on `router` (every route blocking: store, Argon2id):
//   GET  /connexion/rattacher                       the choice (needs the __Host-caf_external cookie)
//   POST /connexion/rattacher                       "J'ai déjà un compte"
//   GET  /connexion/rattacher/associe               "Votre identité ... est maintenant associée"
//   POST /connexion/rattacher/creer                 "Créer mon compte", prefilled
//   GET  /mon-compte/connexion-externe/dissocier    confirmation
//   POST /mon-compte/connexion-externe/dissocier    unlink
//   GET  /mon-compte/connexion-externe/dissocie     "Votre compte n'est plus associé à ..."
void register_linking_routes(http::Router& router, AccountContext& context);

}  // namespace caf::account
