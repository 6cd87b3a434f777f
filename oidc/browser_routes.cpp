// Route table of the browser-facing endpoints.
#include "oidc/browser_routes.hpp"

#include <memory>

#include "core/login_contract.hpp"
#include "oidc/authorize/authorization_flow.hpp"
#include "oidc/authorize/authorize_endpoint.hpp"
#include "oidc/consent/consent_endpoint.hpp"
#include "oidc/discovery/discovery_endpoint.hpp"
#include "oidc/logout/logout_endpoint.hpp"

namespace caf::oidc {

void register_browser_routes(http::Router& router, ProviderContext& ctx) {
    using http::Execution;
    auto discovery = std::make_shared<const DiscoveryEndpoint>(ctx);
    auto jwks = std::make_shared<const JwksEndpoint>(ctx);
    const ProviderContext& c = ctx;

    router.add("GET", "/.well-known/openid-configuration", Execution::inline_cpu,
               [discovery](const http::Request& r) { return discovery->handle(r); });
    router.add("GET", "/jwks", Execution::inline_cpu, [jwks](const http::Request& r) { return jwks->handle(r); });

    auto authorize = [&c](const http::Request& r) { return handle_authorize(c, r); };
    router.add("GET", "/authorize", Execution::blocking, authorize);
    router.add("POST", "/authorize", Execution::blocking, authorize);
    router.add("GET", std::string(login::resume_path), Execution::blocking,
               [&c](const http::Request& r) { return handle_authorize_resume(c, r); });

    router.add("GET", std::string(consent_path), Execution::blocking, [&c](const http::Request& r) { return handle_consent_page(c, r); });
    router.add("POST", std::string(consent_path), Execution::blocking,
               [&c](const http::Request& r) { return handle_consent_answer(c, r); });

    auto logout = [&c](const http::Request& r) { return handle_logout(c, r); };
    router.add("GET", std::string(logout_path), Execution::blocking, logout);
    router.add("POST", std::string(logout_path), Execution::blocking, logout);
}

}  // namespace caf::oidc
