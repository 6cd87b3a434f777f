// The userinfo endpoint.
#include "oidc/userinfo/userinfo_endpoint.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "oidc/backchannel_routes.hpp"
#include "oidc/client_auth/form_body.hpp"
#include "oidc/dpop/dpop_request.hpp"
#include "oidc/dpop/resource_binding.hpp"
#include "oidc/issuance/access_token_verification.hpp"
#include "oidc/issuance/resource_audience.hpp"
#include "oidc/issuance/scope_set.hpp"
#include "oidc/subject.hpp"

namespace caf::oidc::userinfo {
namespace {

unexpected<UserinfoError> refuse(std::optional<oauth_error> e, std::string description) {
    return unexpected<UserinfoError>{UserinfoError{e, std::move(description)}};
}

// RFC 8707: a token for an API is not one for userinfo. Tokens issued before resource indicators
// named the issuer alone; they are accepted until they expire.
bool for_userinfo(const ProviderContext& ctx, const nlohmann::json& claims) {
    const auto userinfo = issuance::userinfo_audience(ctx.issuer());
    const auto names = [&](const nlohmann::json& a) { return a.is_string() && (a == userinfo || a == ctx.issuer()); };
    const auto aud = claims.find("aud");
    if (aud == claims.end()) return false;
    if (aud->is_array()) return std::any_of(aud->begin(), aud->end(), names);
    return names(*aud);
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

struct PresentedToken {
    std::string token;
    dpop::AuthorizationScheme scheme = dpop::AuthorizationScheme::bearer;
};

// `Authorization: DPoP <token>` (RFC 9449 §7.1), else the bearer token as RFC 6750 allows it.
expected<PresentedToken, UserinfoError> presented_token(const http::Request& request) {
    auto authorization = request.header("Authorization");
    if (!authorization || !text::istarts_with(*authorization, "DPoP ")) {
        auto bearer = bearer_token_of(request);
        if (!bearer) return unexpected<UserinfoError>{bearer.error()};
        return PresentedToken{std::move(*bearer), dpop::AuthorizationScheme::bearer};
    }
    if (http::find_param(request.query_params(), "access_token"))
        return refuse(oauth_error::invalid_request, "access tokens are not accepted in the query");
    if (request.method == "POST" && request.header("Content-Type")) {
        auto form = client_auth::parse_form_body(request);
        if (form && http::find_param(*form, "access_token"))
            return refuse(oauth_error::invalid_request, "more than one access token");
    }
    auto token = trimmed(authorization->substr(5));
    if (token.empty()) return refuse(oauth_error::invalid_request, "empty DPoP access token");
    return PresentedToken{std::string(token), dpop::AuthorizationScheme::dpop};
}

// Every refusal also offers the DPoP scheme with its algorithms (RFC 9449 §7.1).
http::Response error_response(const UserinfoError& error) {
    auto response = bearer_error_response(error.error, error.description);
    response.headers.add("WWW-Authenticate", dpop::challenge());
    return response;
}

expected<nlohmann::json, UserinfoError> claims_of(ProviderContext& ctx, const issuance::ActiveAccessToken& token) {
    const auto& record = token.record;
    auto scopes = issuance::parse_scope(record.scope).value_or(issuance::ScopeSet{});
    if (!scopes.contains("openid")) return refuse(oauth_error::insufficient_scope, "the openid scope is required");
    if (!for_userinfo(ctx, token.claims))
        return refuse(oauth_error::invalid_token, "the access token is for another resource");
    const Client* client = ctx.clients.find(record.client_id);
    if (client == nullptr || !record.account_id) return refuse(oauth_error::invalid_token, "unknown access token");
    // The NIR only under its own scope, to a client still allowed it.
    const bool nir = client->config.nir_claim && scopes.contains("caf_nir");
    auto claims = ctx.claims.claims(*record.account_id, issuance::to_vector(scopes), nir);
    if (!claims || !claims->is_object()) return refuse(oauth_error::invalid_token, "the account is no longer active");
    (*claims)["sub"] = subject_of(ctx, *record.account_id);
    return std::move(*claims);
}

}  // namespace

expected<std::optional<std::string>, UserinfoError> authorization_bearer_token(const http::Request& request) {
    if (http::find_param(request.query_params(), "access_token"))
        return refuse(oauth_error::invalid_request, "access tokens are not accepted in the query");
    auto authorization = request.header("Authorization");
    if (!authorization) return std::optional<std::string>{};
    if (!text::istarts_with(*authorization, "Bearer "))
        return refuse(oauth_error::invalid_request, "the Authorization scheme must be Bearer");
    auto token = authorization->substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty()) return refuse(oauth_error::invalid_request, "empty bearer token");
    return std::optional<std::string>{std::string(token)};
}

expected<std::string, UserinfoError> bearer_token_of(const http::Request& request) {
    auto header = authorization_bearer_token(request);
    if (!header) return unexpected<UserinfoError>{header.error()};
    std::optional<std::string> from_header = std::move(*header);
    std::optional<std::string> from_form;
    if (request.method == "POST" && request.header("Content-Type")) {
        auto form = client_auth::parse_form_body(request);
        if (form) from_form = http::find_param(*form, "access_token");
        else if (!from_header) return refuse(oauth_error::invalid_request, form.error());
    }
    if (from_header && from_form) return refuse(oauth_error::invalid_request, "more than one access token");
    if (from_header) return std::move(*from_header);
    if (from_form && !from_form->empty()) return std::move(*from_form);
    return refuse(std::nullopt, "an access token is required");
}

expected<nlohmann::json, UserinfoError> userinfo_claims(ProviderContext& ctx, std::string_view access_token,
                                                        TimePoint now) {
    auto token = issuance::verify_active_access_token(ctx, access_token, now);
    if (!token) return refuse(oauth_error::invalid_token, token.error());
    return claims_of(ctx, *token);
}

http::Response handle_userinfo(const http::Request& request, ProviderContext& ctx) {
    // A store failure propagates: the server answers 503 temporarily_unavailable with Retry-After.
    auto presented = presented_token(request);
    if (!presented) return error_response(presented.error());
    auto token = issuance::verify_active_access_token(ctx, presented->token, ctx.clock.now());
    if (!token) return error_response({oauth_error::invalid_token, token.error()});
    // The DPoP binding (RFC 9449 §7) before any personal data is read.
    const auto url = ctx.issuer() + std::string(backchannel_path::userinfo);
    if (auto refusal = dpop::check_presentation(ctx, request, url, presented->token, presented->scheme, token->claims,
                                                ctx.clients.find(token->record.client_id)))
        return dpop::resource_error_response(ctx, refusal->error, refusal->description);
    auto claims = claims_of(ctx, *token);
    if (!claims) return error_response(claims.error());
    auto response = http::Response::json(200, claims->dump());
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
    if (presented->scheme == dpop::AuthorizationScheme::dpop) dpop::add_nonce(response, ctx);
    return response;
}

}  // namespace caf::oidc::userinfo
