// POST /par (RFC 9126 §2): the client authenticated as at /token, the authorization request in the
// body; 201 with the request_uri, or a JSON OAuth error, always Cache-Control: no-store.
#pragma once

#include <string>

#include "core/http.hpp"
#include "oidc/client_auth/client_authentication.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::par {

http::Response handle_par(const http::Request& request, ProviderContext& ctx,
                          client_auth::ClientAuthenticator& authenticator, const std::string& endpoint_url);

}  // namespace caf::oidc::par
