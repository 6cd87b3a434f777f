// GET/POST /logout: OpenID Connect RP-Initiated Logout 1.0. A relying party's id_token_hint (our
// signature, expired allowed) ends the SSO session at once; without one the person confirms on a
// CSRF-protected page. The redirect goes only to a post_logout_redirect_uri registered exactly for
// the client; anything doubtful shows a French page instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/http.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc {

inline constexpr std::string_view logout_path = "/logout";
inline constexpr std::string_view logout_csrf_purpose = "logout";

http::Response handle_logout(const ProviderContext& ctx, const http::Request& request);

// Ends the SSO session `session_digest` with storage::end_session (the session, its access tokens
// and its refresh tokens except those granted offline_access) and an audit entry, in one
// transaction. False when there was nothing live to end.
bool end_sso_session(const ProviderContext& ctx, const std::string& session_digest,
                     const std::optional<std::string>& client_id, std::string_view initiated_by);

}  // namespace caf::oidc
