// Route registration for the back-channel endpoints.
#include "oidc/backchannel_routes.hpp"

#include <memory>
#include <string>

#include "oidc/client_auth/client_authentication.hpp"
#include "oidc/introspection/introspection_endpoint.hpp"
#include "oidc/par/par_endpoint.hpp"
#include "oidc/revocation/revocation_endpoint.hpp"
#include "oidc/token/token_endpoint.hpp"
#include "oidc/userinfo/userinfo_endpoint.hpp"

namespace caf::oidc {
namespace {

struct BackchannelState {
    explicit BackchannelState(ProviderContext& ctx) : authenticator(ctx) {}
    client_auth::ClientAuthenticator authenticator;
};

}  // namespace

void register_backchannel_routes(http::Router& router, ProviderContext& ctx) {
    auto state = std::make_shared<BackchannelState>(ctx);
    const auto url = [&ctx](std::string_view path) { return ctx.issuer() + std::string(path); };
    using http::Execution;

    router.add("POST", std::string(backchannel_path::token), Execution::blocking,
               [&ctx, state, endpoint = url(backchannel_path::token)](const http::Request& request) {
                   return token::handle_token(request, ctx, state->authenticator, endpoint);
               });
    for (const char* method : {"GET", "POST"})
        router.add(method, std::string(backchannel_path::userinfo), Execution::blocking,
                   [&ctx](const http::Request& request) { return userinfo::handle_userinfo(request, ctx); });
    router.add("POST", std::string(backchannel_path::introspection), Execution::blocking,
               [&ctx, state, endpoint = url(backchannel_path::introspection)](const http::Request& request) {
                   return introspection::handle_introspect(request, ctx, state->authenticator, endpoint);
               });
    router.add("POST", std::string(backchannel_path::revocation), Execution::blocking,
               [&ctx, state, endpoint = url(backchannel_path::revocation)](const http::Request& request) {
                   return revocation::handle_revoke(request, ctx, state->authenticator, endpoint);
               });
    router.add("POST", std::string(backchannel_path::pushed_authorization_request), Execution::blocking,
               [&ctx, state, endpoint = url(backchannel_path::pushed_authorization_request)](const http::Request& request) {
                   return par::handle_par(request, ctx, state->authenticator, endpoint);
               });
}

}  // namespace caf::oidc
