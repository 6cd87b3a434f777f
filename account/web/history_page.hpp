// "Mon historique" page (SPEC.md §3).
#pragma once

#include "core/http.hpp"

namespace caf::account {

struct AccountContext;

// GET /mon-compte/historique (SSO session required, else 303 to /connexion).
http::Response show_login_history(const http::Request& request, AccountContext& ctx);

}  // namespace caf::account
