// The "Connexion" page (SPEC.md §3): thin handlers that read the request, call LoginService and
// SsoSessions, and render. Registered as blocking routes (store, Argon2id).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/http.hpp"

namespace caf::account {

struct AccountContext;

// GET /connexion[?interaction=ID][&provisoire=1]
http::Response show_login_page(const http::Request& request, AccountContext& context);
// POST /connexion[?interaction=ID]: 303 to the resume URL (or /mon-compte) on success, the form
// again with the French message otherwise.
http::Response submit_login(const http::Request& request, AccountContext& context);
// GET /connexion/oublier-identifiant[?interaction=ID]: "Ce n'est pas moi", clears the cookie.
http::Response forget_remembered_identifier(const http::Request& request, AccountContext& context);

// The per-address budget of every form that proves a password (the login page, "J'ai déjà un
// compte"): one address cannot walk through many NIRs. Counts this post; nullopt when allowed,
// else how long to wait (at least a second).
std::optional<std::chrono::seconds> hit_login_ip_limit(const http::Request& request, AccountContext& context,
                                                       TimePoint now);

// "Trop de tentatives depuis votre connexion. Réessayez dans N minutes." (the per-IP limit).
std::string ip_rate_limit_message(std::chrono::seconds retry_after);

}  // namespace caf::account
