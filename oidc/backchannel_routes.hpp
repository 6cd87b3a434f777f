// The provider's back-channel endpoints — token, userinfo, introspection, revocation — on the
// router. Every route is blocking: each touches the store (and signs or verifies).
#pragma once

#include <string_view>

#include "core/router.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc {

// The paths discovery publishes (as issuer + path).
namespace backchannel_path {
inline constexpr std::string_view token = "/token";
inline constexpr std::string_view userinfo = "/userinfo";
inline constexpr std::string_view introspection = "/introspect";
inline constexpr std::string_view revocation = "/revoke";
inline constexpr std::string_view pushed_authorization_request = "/par";
}  // namespace backchannel_path

// POST /token, GET and POST /userinfo, POST /introspect, POST /revoke, POST /par. `ctx` must outlive the
// router; the state the routes share (the client authenticator) lives in their handlers, and the
// private_key_jwt replay check in the store, so any node can serve any request.
void register_backchannel_routes(http::Router& router, ProviderContext& ctx);

}  // namespace caf::oidc
