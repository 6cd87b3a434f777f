// The token endpoint's grants. Each decision that must be atomic with what it issues (consuming a
// code, rotating a refresh token, revoking after a replay, the audit entry) runs in one write
// transaction; the claims source is read outside it (it may use the store itself).
#include "oidc/token/token_grants.hpp"

#include <variant>

#include "core/login_contract.hpp"
#include "core/random.hpp"
#include "oidc/issuance/code_grant.hpp"
#include "oidc/issuance/resource_audience.hpp"
#include "oidc/issuance/scope_set.hpp"
#include "oidc/issuance/token_minting.hpp"
#include "oidc/token/pkce.hpp"
#include "storage/audit_log.hpp"
#include "storage/authorization_codes.hpp"
#include "storage/dpop_bound_families.hpp"
#include "storage/sessions.hpp"
#include "storage/tokens.hpp"

namespace caf::oidc::token {
namespace {

using issuance::Grant;
using issuance::ScopeSet;

unexpected<GrantError> refuse(oauth_error e, std::string description) {
    return unexpected<GrantError>{GrantError{e, std::move(description)}};
}

// What a write transaction decided. A refusal commits too: a consumed code, a revoked family and
// their audit entries must stay.
struct Recorded {
    Grant grant;
    issuance::MintedAccessToken access;
    std::optional<std::string> refresh_token;
    std::optional<std::string> nonce;
    std::vector<std::string> id_token_claims;  // asked with the claims parameter (the code's only)
};
using Decision = std::variant<GrantError, Recorded>;

void audit(storage::Connection& c, ProviderContext& ctx, std::int64_t now, const Client& client, std::string action,
           std::optional<std::int64_t> account_id, nlohmann::json details) {
    storage::AuditLog(ctx.db).append(
        c, storage::NewAuditEntry{now, "client", client.id(), std::move(action), account_id, std::move(details)});
}

// The code's redirect_uri and PKCE binding (RFC 6749 §4.1.3, RFC 7636 §4.6, RFC 9700 §2.1.1).
std::optional<GrantError> check_code_binding(const Client& client, const issuance::CodeGrant& code,
                                             const std::optional<std::string>& redirect_uri,
                                             const std::optional<std::string>& verifier) {
    if (code.redirect_uri.empty() || !redirect_uri || *redirect_uri != code.redirect_uri)
        return GrantError{oauth_error::invalid_grant, "redirect_uri does not match the authorization request"};
    const auto& challenge = code.code_challenge;
    if (challenge && !challenge->empty()) {
        // /authorize refuses `plain`; an absent method is checked as S256, which fails closed.
        if (code.code_challenge_method.value_or("S256") != "S256")
            return GrantError{oauth_error::invalid_grant, "unsupported code_challenge_method"};
        if (!verifier) return GrantError{oauth_error::invalid_grant, "code_verifier is required"};
        if (!is_well_formed_verifier(*verifier)) return GrantError{oauth_error::invalid_grant, "malformed code_verifier"};
        if (!verifier_matches_s256(*verifier, *challenge))
            return GrantError{oauth_error::invalid_grant, "code_verifier does not match the code_challenge"};
        return std::nullopt;
    }
    // A verifier without a challenge is a PKCE downgrade attempt (RFC 9700 §4.8.2).
    if (verifier) return GrantError{oauth_error::invalid_grant, "code_verifier sent but no code_challenge was used"};
    if (client.is_public()) return GrantError{oauth_error::invalid_grant, "a public client must use PKCE"};
    return std::nullopt;
}

Grant grant_from_code(const Client& client, const storage::AuthorizationCode& stored, const issuance::CodeGrant& code,
                      const std::string& code_digest) {
    Grant g;
    g.client = &client;
    g.account_id = stored.account_id;
    g.scope = code.scope;
    g.auth_time = code.auth_time;
    g.acr = code.acr;
    g.amr = code.amr;
    g.session_digest = stored.session_digest;
    g.sid = code.sid;
    g.code_digest = code_digest;
    return g;
}

// A refreshed grant keeps the authentication facts of the code it came from: they travel with the
// refresh token (an offline_access family outlives its SSO session, and a later login on the same
// session must not change what an earlier grant says). Tokens stored before the refresh token
// carried them fall back to their session while it exists.
void add_authentication_facts(storage::Connection& c, ProviderContext& ctx, const storage::RefreshToken& token,
                              Grant& grant) {
    if (token.auth_time) {
        grant.auth_time = token.auth_time;
        grant.acr = token.acr.value_or("");
        grant.amr = token.amr;
        return;
    }
    if (!grant.session_digest) return;
    if (auto session = storage::Sessions(ctx.db).find(c, *grant.session_digest)) {
        grant.auth_time = session->auth_time;
        grant.acr = session->acr;
        grant.amr = session->amr;
    }
}

// RFC 8707: the access token's audience and scope for the request's `resource` values.
std::optional<GrantError> target_audience(ProviderContext& ctx, const http::Params& form,
                                          const std::vector<std::string>& authorized, Grant& grant) {
    auto audience = issuance::resolve_audience(ctx.config, http::find_params(form, "resource"), authorized,
                                               grant.scope, grant.client->id());
    if (!audience) return GrantError{oauth_error::invalid_target, audience.error()};
    grant.audience = std::move(audience->aud);
    if (audience->scope != grant.scope) grant.access_scope = std::move(audience->scope);
    return std::nullopt;
}

GrantOutcome render(ProviderContext& ctx, Decision decision, const std::optional<nlohmann::json>& claims) {
    if (auto* error = std::get_if<GrantError>(&decision)) return unexpected<GrantError>{std::move(*error)};
    auto& recorded = std::get<Recorded>(decision);
    IssuedTokens out{recorded.access.token, recorded.access.expires_in,
                     issuance::to_string(recorded.grant.access_token_scope()),
                     std::nullopt, recorded.refresh_token};
    if (recorded.grant.account_id && recorded.grant.scope.contains("openid")) {
        issuance::IdTokenInput input{recorded.nonce, recorded.access.token,
                                     claims.value_or(nlohmann::json::object()), recorded.id_token_claims};
        auto id_token = issuance::mint_id_token(ctx, recorded.grant, input, ctx.clock.now());
        if (!id_token) return refuse(oauth_error::server_error, "cannot sign the ID token");
        out.id_token = std::move(*id_token);
    }
    return out;
}

}  // namespace

GrantOutcome redeem_authorization_code(ProviderContext& ctx, const Client& client, const http::Params& form,
                                       const DpopKey& dpop_jkt) {
    auto code = http::find_param(form, "code");
    if (!code || code->empty()) return refuse(oauth_error::invalid_request, "code is required");
    const auto redirect_uri = http::find_param(form, "redirect_uri");
    const auto verifier = http::find_param(form, "code_verifier");
    const auto now = ctx.clock.now();
    const auto now_s = to_unix_seconds(now);
    const auto code_digest = login::digest(*code);
    storage::AuthorizationCodes codes(ctx.db);
    storage::RefreshTokens refresh(ctx.db);
    storage::AccessTokens access(ctx.db);

    // Consuming the code and recording its tokens in one transaction: a replay either comes first
    // (and this redemption finds the code spent) or finds the tokens and revokes them.
    Decision decision = ctx.db.transaction([&](storage::Connection& c) -> Decision {
        auto redemption = codes.consume(c, code_digest, now_s);
        if (!redemption) return GrantError{oauth_error::invalid_grant, "unknown authorization code"};
        const auto& stored = redemption->code;
        if (redemption->status == storage::CodeStatus::replayed) {
            auto refresh_revoked = refresh.revoke_issued_from_code(c, code_digest, now_s);
            auto access_revoked = access.revoke_issued_from_code(c, code_digest, now_s);
            audit(c, ctx, now_s, client, "oidc.code_replayed", stored.account_id,
                  {{"client_id", client.id()}, {"code_client_id", stored.client_id},
                   {"revoked_refresh_tokens", refresh_revoked}, {"revoked_access_tokens", access_revoked}});
            return GrantError{oauth_error::invalid_grant, "authorization code already used"};
        }
        if (redemption->status == storage::CodeStatus::expired)
            return GrantError{oauth_error::invalid_grant, "authorization code expired"};
        if (stored.client_id != client.id())
            return GrantError{oauth_error::invalid_grant, "authorization code issued to another client"};
        const auto code = issuance::code_grant_from_json(stored.payload);
        if (auto refusal = check_code_binding(client, code, redirect_uri, verifier)) return *refusal;
        if (code.dpop_jkt && code.dpop_jkt != dpop_jkt)
            return GrantError{oauth_error::invalid_grant, "the DPoP proof key is not the dpop_jkt of the authorization request"};

        Recorded recorded{grant_from_code(client, stored, code, code_digest), {}, std::nullopt, code.nonce,
                          code.id_token_claims};
        // Checked after the code is spent: a code asked with a wrong resource is not retried.
        if (auto refusal = target_audience(ctx, form, code.resources, recorded.grant)) return *refusal;
        recorded.grant.dpop_jkt = dpop_jkt;
        // Refresh tokens go to every client registered for the refresh_token grant (the portal and
        // the mobile app); the family is created first so its access tokens belong to it.
        if (client.allows_grant("refresh_token")) {
            auto minted = issuance::mint_refresh_token(ctx, recorded.grant, now);
            minted.record.auth_time = recorded.grant.auth_time;
            if (!recorded.grant.acr.empty()) minted.record.acr = recorded.grant.acr;
            minted.record.amr = recorded.grant.amr;
            refresh.create(c, minted.record);
            // RFC 9449 §5: a public client's refresh tokens are bound to its proof key.
            if (dpop_jkt && client.is_public())
                storage::DpopBoundFamilies(ctx.db).bind(c, minted.record.family_id, *dpop_jkt, minted.record.expires_at);
            recorded.grant.family_id = minted.record.family_id;
            recorded.refresh_token = std::move(minted.token);
        }
        auto minted = issuance::mint_access_token(ctx, recorded.grant, now);
        if (!minted) return GrantError{oauth_error::server_error, "cannot sign the access token"};
        access.record(c, minted->record);
        recorded.access = std::move(*minted);
        return recorded;
    });

    std::optional<nlohmann::json> claims;
    if (auto* recorded = std::get_if<Recorded>(&decision)) {
        claims = ctx.claims.claims(*recorded->grant.account_id, issuance::to_vector(recorded->grant.scope), false);
        if (!claims) {
            ctx.db.transaction([&](storage::Connection& c) {
                refresh.revoke_issued_from_code(c, code_digest, now_s);
                access.revoke_issued_from_code(c, code_digest, now_s);
            });
            return refuse(oauth_error::invalid_grant, "the account is no longer active");
        }
    }
    return render(ctx, std::move(decision), claims);
}

GrantOutcome refresh_tokens(ProviderContext& ctx, const Client& client, const http::Params& form,
                            const DpopKey& dpop_jkt) {
    auto presented = http::find_param(form, "refresh_token");
    if (!presented || presented->empty()) return refuse(oauth_error::invalid_request, "refresh_token is required");
    std::optional<ScopeSet> requested;
    if (auto scope = http::find_param(form, "scope")) {
        requested = issuance::parse_scope(*scope);
        if (!requested) return refuse(oauth_error::invalid_scope, "malformed scope");
    }
    const auto now = ctx.clock.now();
    const auto now_s = to_unix_seconds(now);
    const auto digest = login::digest(*presented);
    storage::RefreshTokens refresh(ctx.db);
    storage::AccessTokens access(ctx.db);

    auto existing = refresh.find(digest);
    if (!existing) return refuse(oauth_error::invalid_grant, "unknown refresh token");
    if (existing->client_id != client.id()) {
        ctx.db.transaction([&](storage::Connection& c) {
            audit(c, ctx, now_s, client, "oidc.refresh_token_wrong_client", existing->account_id,
                  {{"client_id", client.id()}, {"token_client_id", existing->client_id}});
        });
        return refuse(oauth_error::invalid_grant, "refresh token issued to another client");
    }
    // The binding never changes once the family exists, so it is read outside the transaction.
    if (auto bound = storage::DpopBoundFamilies(ctx.db).jkt_of(existing->family_id); bound && bound != dpop_jkt)
        return refuse(oauth_error::invalid_grant, dpop_jkt ? "refresh token bound to another DPoP key"
                                                           : "refresh token bound to a DPoP key: a DPoP proof is required");
    const auto original = issuance::parse_scope(existing->scope).value_or(ScopeSet{});
    const ScopeSet granted = requested.value_or(original);
    if (!issuance::is_subset(granted, original))
        return refuse(oauth_error::invalid_scope, "scope may only narrow the original grant");
    auto claims = ctx.claims.claims(existing->account_id, issuance::to_vector(granted), false);
    if (!claims) {
        ctx.db.transaction([&](storage::Connection& c) {
            refresh.revoke_family(c, existing->family_id, now_s);
            access.revoke_family(c, existing->family_id, now_s);
        });
        return refuse(oauth_error::invalid_grant, "the account is no longer active");
    }

    Decision decision = ctx.db.transaction([&](storage::Connection& c) -> Decision {
        auto current = refresh.find(c, digest);
        if (!current || current->client_id != client.id())
            return GrantError{oauth_error::invalid_grant, "unknown refresh token"};
        // A retry is within the grace window (strictly: times are whole seconds, and the default
        // window is 0: no retry at all), by the token's own client (checked above), and only
        // while the token it was rotated into has not been used; anything else is reuse. Once
        // refresh tokens are bound to a DPoP key, the retry must also prove that key: today a
        // thief with the client's credentials, or any caller of a public client, looks the same.
        if (current->rotated_at && !current->revoked_at &&
            now_s - *current->rotated_at < static_cast<std::int64_t>(ctx.config.oidc.refresh_reuse_grace) &&
            !refresh.family_rotated_since(c, current->family_id, current->digest, *current->rotated_at)) {
            // Most likely the client lost the response to its previous refresh: not theft, so the
            // family lives on, but no second token either (the first answer's tokens stay valid).
            audit(c, ctx, now_s, client, "oidc.refresh_token_retried", current->account_id,
                  {{"client_id", client.id()}, {"family_id", current->family_id}});
            return GrantError{oauth_error::invalid_grant, "refresh token already used"};
        }
        std::string next_token = random_token(ctx.random, 32);
        auto rotation = refresh.rotate(c, digest, login::digest(next_token), now_s, issuance::refresh_idle_expiry(ctx, now));
        switch (rotation.status) {
            case storage::RotationStatus::rotated: break;
            case storage::RotationStatus::reused: {
                // A spent token presented again: one of its two holders is not the client, so
                // the whole grant goes (OAuth 2.0 Security BCP, refresh token rotation).
                refresh.revoke_family(c, current->family_id, now_s);
                auto access_revoked = access.revoke_family(c, current->family_id, now_s);
                audit(c, ctx, now_s, client, "oidc.refresh_token_reused", current->account_id,
                      {{"client_id", client.id()}, {"family_id", current->family_id},
                       {"revoked_access_tokens", access_revoked}});
                return GrantError{oauth_error::invalid_grant, "refresh token reused: its grant is revoked"};
            }
            case storage::RotationStatus::revoked: return GrantError{oauth_error::invalid_grant, "refresh token revoked"};
            case storage::RotationStatus::expired: return GrantError{oauth_error::invalid_grant, "refresh token expired"};
            case storage::RotationStatus::not_found: return GrantError{oauth_error::invalid_grant, "unknown refresh token"};
        }
        const auto& stored = *rotation.token;
        Grant grant;
        grant.client = &client;
        grant.account_id = stored.account_id;
        grant.scope = granted;
        grant.session_digest = stored.session_digest;
        grant.code_digest = stored.code_digest;  // a later replay of the original code reaches these too
        grant.family_id = stored.family_id;
        grant.dpop_jkt = dpop_jkt;
        add_authentication_facts(c, ctx, stored, grant);
        if (auto refusal = target_audience(ctx, form, {}, grant)) return *refusal;
        auto minted = issuance::mint_access_token(ctx, grant, now);
        if (!minted) return GrantError{oauth_error::server_error, "cannot sign the access token"};
        access.record(c, minted->record);
        return Recorded{std::move(grant), std::move(*minted), std::move(next_token), std::nullopt};
    });
    return render(ctx, std::move(decision), claims);
}

GrantOutcome issue_client_credentials(ProviderContext& ctx, const Client& client, const http::Params& form,
                                      const DpopKey& dpop_jkt) {
    if (client.is_public()) return refuse(oauth_error::unauthorized_client, "a public client has no credentials");
    ScopeSet granted;
    if (auto scope = http::find_param(form, "scope")) {
        auto requested = issuance::parse_scope(*scope);
        if (!requested) return refuse(oauth_error::invalid_scope, "malformed scope");
        for (const auto& s : *requested)
            if (issuance::is_identity_scope(s) || !client.allows_scope(s))
                return refuse(oauth_error::invalid_scope, "scope not available to this client: " + s);
        granted = std::move(*requested);
    } else {
        for (const auto& s : client.config.scopes)
            if (!issuance::is_identity_scope(s)) granted.insert(s);
        if (granted.empty()) return refuse(oauth_error::invalid_scope, "no API scope is registered for this client");
    }
    Grant grant;
    grant.client = &client;
    grant.scope = std::move(granted);
    if (auto refusal = target_audience(ctx, form, {}, grant)) return unexpected<GrantError>{std::move(*refusal)};
    grant.dpop_jkt = dpop_jkt;
    const auto now = ctx.clock.now();
    auto minted = issuance::mint_access_token(ctx, grant, now);
    if (!minted) return refuse(oauth_error::server_error, "cannot sign the access token");
    storage::AccessTokens(ctx.db).record(minted->record);
    return IssuedTokens{minted->token, minted->expires_in, issuance::to_string(grant.access_token_scope()),
                        std::nullopt, std::nullopt};
}

}  // namespace caf::oidc::token
