// The pages of SPEC.md §8 step 3 and 4: the choice after an external identity matched no account
// ("J'ai déjà un compte" / "Créer mon compte"), and the owner's unlink from "Gérer Mon Compte".
// Thin handlers: the rules are in external_links.cpp, LoginService and the creation wizard.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/http.hpp"

namespace caf::account {
struct AccountContext;
}

namespace caf::account::linking {

inline constexpr std::string_view create_path = "/connexion/rattacher/creer";
inline constexpr std::string_view linked_path = "/connexion/rattacher/associe";
inline constexpr std::string_view unlink_path = "/mon-compte/connexion-externe/dissocier";
inline constexpr std::string_view unlinked_path = "/mon-compte/connexion-externe/dissocie";

// GET /connexion/rattacher: the pivot and the two choices; back to /connexion without a pending identity.
http::Response show_choice(const http::Request& request, AccountContext& ctx);
// POST /connexion/rattacher: "J'ai déjà un compte" — NIR + password, the native login's rules.
http::Response submit_existing_account(const http::Request& request, AccountContext& ctx);
// GET /connexion/rattacher/associe?fournisseur=NAME[&interaction=ID]: "... est maintenant associée".
http::Response show_linked(const http::Request& request, AccountContext& ctx);
// POST /connexion/rattacher/creer: the creation wizard, prefilled with the pivot.
http::Response start_prefilled_creation(const http::Request& request, AccountContext& ctx);

// The "Connexion avec FranceConnect" section of "Gérer Mon Compte": the account's links.
nlohmann::json account_home_links(AccountContext& ctx, std::int64_t account_id);
// GET /mon-compte/connexion-externe/dissocier?fournisseur=NAME: the confirmation.
http::Response show_unlink(const http::Request& request, AccountContext& ctx);
// POST /mon-compte/connexion-externe/dissocier: the owner removes the link.
http::Response submit_unlink(const http::Request& request, AccountContext& ctx);
// GET /mon-compte/connexion-externe/dissocie?fournisseur=NAME: "Votre compte n'est plus associé à ...".
http::Response show_unlinked(const http::Request& request, AccountContext& ctx);

}  // namespace caf::account::linking
