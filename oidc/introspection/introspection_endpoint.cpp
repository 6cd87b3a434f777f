// The introspection endpoint.
#include "oidc/introspection/introspection_endpoint.hpp"

#include <algorithm>

#include "core/login_contract.hpp"
#include "oidc/client_auth/form_body.hpp"
#include "oidc/dpop/resource_binding.hpp"
#include "oidc/errors.hpp"
#include "oidc/issuance/access_token_verification.hpp"
#include "oidc/subject.hpp"
#include "storage/tokens.hpp"

namespace caf::oidc::introspection {
namespace {

const nlohmann::json inactive{{"active", false}};

// Our access tokens are JWS compact (two dots); refresh tokens are base64url without dots.
bool looks_like_jws(std::string_view token) { return std::count(token.begin(), token.end(), '.') == 2; }

// A resource server registered for one of the token's audiences (`aud`: a string or an array).
bool serves_audience_of(const Client& caller, const nlohmann::json& claims) {
    const auto& resources = caller.config.introspection_resources;
    const auto listed = [&](const nlohmann::json& audience) {
        return audience.is_string() &&
               std::find(resources.begin(), resources.end(), audience.get_ref<const std::string&>()) != resources.end();
    };
    const auto aud = claims.find("aud");
    if (aud == claims.end()) return false;
    if (aud->is_array()) return std::any_of(aud->begin(), aud->end(), listed);
    return listed(*aud);
}

nlohmann::json access_token_answer(ProviderContext& ctx, const Client& caller, std::string_view token, TimePoint now) {
    auto active = issuance::verify_active_access_token(ctx, token, now);
    if (!active) return inactive;
    const auto& claims = active->claims;
    // Its own client, or a resource server of its audience; anyone else learns nothing, not even
    // that the token exists (RFC 7662 §2.2). A public client is never a resource server.
    if (active->record.client_id != caller.id() && (caller.is_public() || !serves_audience_of(caller, claims)))
        return inactive;
    nlohmann::json answer{{"active", true}, {"token_type", "Bearer"}, {"client_id", active->record.client_id},
                          {"scope", active->record.scope}, {"exp", active->record.expires_at},
                          {"iat", active->record.issued_at}};
    for (const char* name : {"sub", "iss", "aud", "jti", "auth_time", "acr"})
        if (claims.contains(name)) answer[name] = claims.at(name);
    // RFC 9449 §6.2: the resource server checks the proof against the bound key.
    if (auto jkt = dpop::bound_key(claims)) {
        answer["token_type"] = "DPoP";
        answer["cnf"] = {{"jkt", *jkt}};
    }
    return answer;
}

nlohmann::json refresh_token_answer(ProviderContext& ctx, const Client& caller, std::string_view token, TimePoint now) {
    auto record = storage::RefreshTokens(ctx.db).find(login::digest(token));
    const auto now_s = to_unix_seconds(now);
    if (!record || record->client_id != caller.id() || record->revoked_at || record->rotated_at ||
        record->expires_at <= now_s || record->idle_expires_at <= now_s)
        return inactive;
    return {{"active", true},
            {"token_type", "refresh_token"},
            {"client_id", record->client_id},
            {"scope", record->scope},
            {"sub", subject_of(ctx, record->account_id)},
            {"iss", ctx.issuer()},
            {"iat", record->created_at},
            // When it stops working if left unused (never past the family's absolute expiry).
            {"exp", std::min(record->idle_expires_at, record->expires_at)}};
}

}  // namespace

nlohmann::json introspect(ProviderContext& ctx, const Client& caller, std::string_view token, TimePoint now) {
    // token_type_hint only speeds up a search (RFC 7662 §2.1); the shapes of our tokens do not overlap.
    return looks_like_jws(token) ? access_token_answer(ctx, caller, token, now)
                                 : refresh_token_answer(ctx, caller, token, now);
}

http::Response handle_introspect(const http::Request& request, ProviderContext& ctx,
                                 client_auth::ClientAuthenticator& authenticator, const std::string& endpoint_url) {
    // A store failure propagates: the server answers 503 temporarily_unavailable with Retry-After.
    auto call = client_auth::authenticate_call(request, authenticator, endpoint_url);
    if (!call) return std::move(call.error());
    const auto& form = call->form;
    const auto* client = &call->client;
    auto token = http::find_param(form, "token");
    if (!token) return token_error_response(oauth_error::invalid_request, "token is required");
    auto response = http::Response::json(200, introspect(ctx, *client->client, *token, ctx.clock.now()).dump());
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
    return response;
}

}  // namespace caf::oidc::introspection
