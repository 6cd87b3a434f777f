// The token endpoint handler: no rule here, see token_grants.hpp.
#include "oidc/token/token_endpoint.hpp"

#include <nlohmann/json.hpp>

#include "oidc/client_auth/form_body.hpp"
#include "oidc/dpop/dpop_request.hpp"
#include "oidc/token/token_grants.hpp"

namespace caf::oidc::token {
namespace {

http::Response success(const IssuedTokens& tokens, bool dpop_bound) {
    nlohmann::json body{{"access_token", tokens.access_token},
                        {"token_type", dpop_bound ? "DPoP" : "Bearer"},
                        {"expires_in", tokens.expires_in},
                        {"scope", tokens.scope}};
    if (tokens.id_token) body["id_token"] = *tokens.id_token;
    if (tokens.refresh_token) body["refresh_token"] = *tokens.refresh_token;
    auto response = http::Response::json(200, body.dump());
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
    return response;
}

GrantOutcome run_grant(ProviderContext& ctx, const Client& client, const http::Params& form, const DpopKey& dpop_jkt) {
    auto grant_type = http::find_param(form, "grant_type");
    if (!grant_type) return unexpected<GrantError>{{oauth_error::invalid_request, "grant_type is required"}};
    using Grant = GrantOutcome (*)(ProviderContext&, const Client&, const http::Params&, const DpopKey&);
    Grant grant = *grant_type == "authorization_code"  ? redeem_authorization_code
                  : *grant_type == "refresh_token"     ? refresh_tokens
                  : *grant_type == "client_credentials" ? issue_client_credentials
                                                        : nullptr;
    if (grant == nullptr) return unexpected<GrantError>{{oauth_error::unsupported_grant_type, "unsupported grant_type"}};
    if (!client.allows_grant(*grant_type))
        return unexpected<GrantError>{{oauth_error::unauthorized_client, "grant_type not allowed for this client"}};
    return grant(ctx, client, form, dpop_jkt);
}

}  // namespace

http::Response handle_token(const http::Request& request, ProviderContext& ctx,
                            client_auth::ClientAuthenticator& authenticator, const std::string& endpoint_url) {
    // A store failure propagates: the server answers temporarily_unavailable with Retry-After
    // and logs it (app/failure_responder.hpp).
    auto call = client_auth::authenticate_call(request, authenticator, endpoint_url);
    if (!call) return std::move(call.error());
    const auto& form = call->form;
    const auto* client = &call->client;
    const auto& registered = client->client->config;
    // DPoP (RFC 9449 §5): checked before the grant runs, so a bad proof spends no code.
    auto proof = dpop::check_request_proof(ctx, request, {endpoint_url, std::nullopt, registered.use_dpop_nonce});
    if (!proof) return dpop::token_error_response(ctx, proof.error());
    if (!*proof && registered.dpop_bound_access_tokens)
        return dpop::token_error_response(
            ctx, {dpop::DpopError::invalid_dpop_proof, "this client must send a DPoP proof"});
    const DpopKey dpop_jkt = *proof ? DpopKey{(*proof)->jkt} : std::nullopt;
    auto outcome = run_grant(ctx, *client->client, form, dpop_jkt);
    auto response = outcome ? success(*outcome, dpop_jkt.has_value())
                            : token_error_response(outcome.error().error, outcome.error().description);
    if (dpop_jkt) dpop::add_nonce(response, ctx);
    return response;
}

}  // namespace caf::oidc::token
