// /introspect (RFC 7662) for authenticated clients. Access tokens: the client they were issued
// to, or a confidential client registered as a resource server of the token's audience
// (`introspection_resources` in its [[clients]] table). Refresh tokens: only the client they were
// issued to. Everything else, to anyone else, is {"active": false}.
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
