// The browser-facing half of the provider: discovery and JWKS, authorization, consent, logout.
// The token-side endpoints (/token, /userinfo, /introspect, /revoke) register themselves apart.
#pragma once

#include "core/router.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc {

// Registers:
//   GET  /.well-known/openid-configuration  inline
//   GET  /jwks                              inline
//   GET  /authorize, POST /authorize        blocking
//   GET  /authorize/resume                  blocking
//   GET  /consent, POST /consent            blocking
//   GET  /logout, POST /logout              blocking
// `ctx` must outlive the router.
void register_browser_routes(http::Router& router, ProviderContext& ctx);

}  // namespace caf::oidc
