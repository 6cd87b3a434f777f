// The revocation endpoint.
#include "oidc/revocation/revocation_endpoint.hpp"

#include <algorithm>

#include "core/login_contract.hpp"
#include "oidc/client_auth/form_body.hpp"
#include "oidc/errors.hpp"
#include "oidc/issuance/access_token_verification.hpp"
#include "storage/audit_log.hpp"
#include "storage/tokens.hpp"

namespace caf::oidc::revocation {

bool revoke(ProviderContext& ctx, const Client& caller, std::string_view token, TimePoint now) {
    const auto now_s = to_unix_seconds(now);
    storage::RefreshTokens refresh(ctx.db);
    storage::AccessTokens access(ctx.db);
    auto audit = [&](storage::Connection& c, std::optional<std::int64_t> account, std::string_view type, std::int64_t count) {
        storage::AuditLog(ctx.db).append(
            c, {now_s, "client", caller.id(), "oidc.token_revoked", account,
                {{"client_id", caller.id()}, {"token_type", type}, {"revoked", count}}});
    };

    if (std::count(token.begin(), token.end(), '.') == 2) {
        // Expired access tokens are accepted too: revoking them is harmless and idempotent.
        auto claims = issuance::decode_access_token(ctx, token, now);
        if (!claims) return false;
        const auto jti = claims->at("jti").get<std::string>();
        return ctx.db.transaction([&](storage::Connection& c) {
            auto record = access.find(c, jti);
            if (!record || record->client_id != caller.id()) return false;
            bool revoked = access.revoke(c, jti, now_s);
            if (revoked) audit(c, record->account_id, "access_token", 1);
            return revoked;
        });
    }
    const auto digest = login::digest(token);
    return ctx.db.transaction([&](storage::Connection& c) {
        auto record = refresh.find(c, digest);
        if (!record || record->client_id != caller.id()) return false;
        auto count = refresh.revoke_family(c, record->family_id, now_s);
        count += access.revoke_family(c, record->family_id, now_s);
        if (count > 0) audit(c, record->account_id, "refresh_token", count);
        return count > 0;
    });
}

http::Response handle_revoke(const http::Request& request, ProviderContext& ctx,
                             client_auth::ClientAuthenticator& authenticator, const std::string& endpoint_url) {
    // A store failure propagates: the server answers 503 temporarily_unavailable with Retry-After.
    auto call = client_auth::authenticate_call(request, authenticator, endpoint_url);
    if (!call) return std::move(call.error());
    const auto& form = call->form;
    const auto* client = &call->client;
    auto token = http::find_param(form, "token");
    if (!token) return token_error_response(oauth_error::invalid_request, "token is required");
    revoke(ctx, *client->client, *token, ctx.clock.now());
    auto response = http::Response::empty(200);
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
    return response;
}

}  // namespace caf::oidc::revocation
