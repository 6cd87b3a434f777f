// Bearer authentication of API calls made by clients on their own behalf (the admin API): the
// same token checks as /userinfo and /introspect, and the protected-resource errors of RFC 6750.
#pragma once

#include <string_view>

#include "core/api_caller.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::resource {

// The token must be active, issued by client_credentials (no account behind it) to a client
// still registered, and carry `required_scope`.
expected<ApiCaller, http::Response> authenticate_api_caller(ProviderContext& ctx, const http::Request& request,
                                                            std::string_view required_scope, TimePoint now);

// The seam's implementation over `ctx`, which must outlive it.
ApiAuthenticator api_authenticator(ProviderContext& ctx);

}  // namespace caf::oidc::resource
