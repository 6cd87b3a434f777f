// /revoke (RFC 7009) for authenticated clients: a refresh token revokes its whole family and the
// access tokens issued with it; an access token is revoked by its jti. Only the caller's own
// tokens are touched, and the answer is the same empty 200 whatever happened, so the endpoint
// tells nobody whether a token exists. token_type_hint is ignored (§2.1 allows it).
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/http.hpp"
#include "oidc/client_auth/client_authentication.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::revocation {

// True when something of the caller's was revoked (for tests and audit; never told to the client).
bool revoke(ProviderContext& ctx, const Client& caller, std::string_view token, TimePoint now);

http::Response handle_revoke(const http::Request& request, ProviderContext& ctx,
                             client_auth::ClientAuthenticator& authenticator, const std::string& endpoint_url);

}  // namespace caf::oidc::revocation
