// "Modifier mon mot de passe" (SPEC.md §2) in "Gérer Mon Compte": current password, new one,
// confirmation. On success every other session and every token of the account is revoked, the
// owner is told by mail or SMS, and it is audited.
#pragma once

#include "core/http.hpp"

namespace caf::account {

struct AccountContext;

// GET /mon-compte/mot-de-passe (SSO session required, else 303 to /connexion).
http::Response show_password_change(const http::Request& request, AccountContext& ctx);
// POST /mon-compte/mot-de-passe
http::Response submit_password_change(const http::Request& request, AccountContext& ctx);

// Current-password checks allowed per account in a window (a success clears them), before the
// form refuses every one, the right password too, until the window ends.
inline constexpr int password_change_max_wrong = 5;
inline constexpr int password_change_window_seconds = 15 * 60;

}  // namespace caf::account
