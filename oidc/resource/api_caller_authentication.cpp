// API caller authentication over the access token checks shared with userinfo and introspection.
#include "oidc/resource/api_caller_authentication.hpp"

#include "oidc/errors.hpp"
#include "oidc/issuance/access_token_verification.hpp"
#include "oidc/issuance/scope_set.hpp"
#include "oidc/userinfo/userinfo_endpoint.hpp"

namespace caf::oidc::resource {
namespace {

unexpected<http::Response> refuse(std::optional<oauth_error> e, std::string_view description) {
    return unexpected<http::Response>{bearer_error_response(e, description)};
}

}  // namespace

expected<ApiCaller, http::Response> authenticate_api_caller(ProviderContext& ctx, const http::Request& request,
                                                            std::string_view required_scope, TimePoint now) {
    // The Authorization header only: the admin API's bodies are JSON, never a form.
    auto token = userinfo::authorization_bearer_token(request);
    if (!token) return refuse(token.error().error, token.error().description);
    if (!*token) return refuse(std::nullopt, "an access token is required");
    auto active = issuance::verify_active_access_token(ctx, **token, now);
    if (!active) return refuse(oauth_error::invalid_token, active.error());
    const auto& record = active->record;
    // A token issued to a person's session speaks for that person, never for a back office.
    if (record.account_id) return refuse(oauth_error::invalid_token, "not a client_credentials access token");
    if (ctx.clients.find(record.client_id) == nullptr) return refuse(oauth_error::invalid_token, "unknown client");
    auto scopes = issuance::parse_scope(record.scope).value_or(issuance::ScopeSet{});
    if (!scopes.contains(std::string(required_scope)))
        return refuse(oauth_error::insufficient_scope, "the " + std::string(required_scope) + " scope is required");
    return ApiCaller{record.client_id, issuance::to_vector(scopes)};
}

ApiAuthenticator api_authenticator(ProviderContext& ctx) {
    return [&ctx](const http::Request& request, std::string_view required_scope) {
        return authenticate_api_caller(ctx, request, required_scope, ctx.clock.now());
    };
}

}  // namespace caf::oidc::resource
