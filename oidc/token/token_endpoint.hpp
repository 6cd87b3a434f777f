// POST /token (RFC 6749 §3.2): parse the form, authenticate the client, run the grant, answer JSON
// with `Cache-Control: no-store`, errors per §5.2.
#pragma once

#include <string>

#include "core/http.hpp"
#include "oidc/client_auth/client_authentication.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::token {

http::Response handle_token(const http::Request& request, ProviderContext& ctx,
                            client_auth::ClientAuthenticator& authenticator, const std::string& endpoint_url);

}  // namespace caf::oidc::token
