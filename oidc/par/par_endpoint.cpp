// The pushed authorization request endpoint handler: no rule here, see pushed_authorization.hpp.
#include "oidc/par/par_endpoint.hpp"

#include <nlohmann/json.hpp>

#include "oidc/par/pushed_authorization.hpp"

namespace caf::oidc::par {

http::Response handle_par(const http::Request& request, ProviderContext& ctx,
                          client_auth::ClientAuthenticator& authenticator, const std::string& endpoint_url) {
    auto call = client_auth::authenticate_call(request, authenticator, endpoint_url);
    if (!call) return std::move(call.error());
    auto pushed = push_authorization_request(ctx, *call->client.client, call->form);
    if (!pushed) return token_error_response(pushed.error().error, pushed.error().description);
    nlohmann::json body{{"request_uri", pushed->request_uri}, {"expires_in", pushed->expires_in}};
    auto response = http::Response::json(201, body.dump());
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
    return response;
}

}  // namespace caf::oidc::par
