// "Gérer Mon Compte" (/mon-compte) and "Déconnexion": the pages of a person with an SSO session.
#pragma once

#include <string>
#include <string_view>

#include "core/http.hpp"

namespace caf::account {

struct AccountContext;

// GET /mon-compte: 303 to /connexion without an active session; touches the session (idle expiry).
http::Response show_account_home(const http::Request& request, AccountContext& context);
// POST /deconnexion: ends the SSO session everywhere it was used (its tokens too, see
// storage::end_session), clears the cookie, 303 to GET /deconnexion.
http::Response submit_logout(const http::Request& request, AccountContext& context);
// GET /deconnexion: "Vous êtes déconnecté".
http::Response show_logged_out(const http::Request& request, AccountContext& context);
// GET /conditions-generales: the CGU in force, public (discovery's op_tos_uri).
http::Response show_cgu(const http::Request& request, AccountContext& context);

// "1 63 ** ** *** 082" for a NIR (sex, year and order number kept), "P****2250" for a provisional
// identifier: enough for the owner to recognise it on screen, too little to be reused.
std::string mask_identifier(std::string_view canonical);

}  // namespace caf::account
