// /introspect (RFC 7662) for authenticated clients. Access tokens: any confidential client (a
// resource server checks tokens issued to others — that is its purpose), a public client only its
// own. Refresh tokens: only the client they were issued to. Everything else is {"active": false}.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/http.hpp"
#include "oidc/client_auth/client_authentication.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::introspection {

nlohmann::json introspect(ProviderContext& ctx, const Client& caller, std::string_view token, TimePoint now);

http::Response handle_introspect(const http::Request& request, ProviderContext& ctx,
                                 client_auth::ClientAuthenticator& authenticator, const std::string& endpoint_url);

}  // namespace caf::oidc::introspection
