// ID, access and refresh token minting.
#include "oidc/issuance/token_minting.hpp"

#include "core/crypto.hpp"
#include "core/login_contract.hpp"
#include "core/random.hpp"
#include "oidc/subject.hpp"
#include "oidc/jose/jws.hpp"

namespace caf::oidc::issuance {
namespace {

expected<std::string, std::error_code> sign_jwt(ProviderContext& ctx, jose::Algorithm alg, std::string_view typ,
                                                const nlohmann::json& claims, TimePoint now) {
    auto key = ctx.keys.signing_key(alg, now);
    // No signing key for the algorithm is a deployment error, not the client's: server_error.
    if (!key) return unexpected{make_error_code(jose::jose_error::signing_failed)};
    return jose::sign({{"typ", std::string(typ)}}, claims.dump(), *key, alg);
}

std::string subject_for(const ProviderContext& ctx, const Grant& grant) {
    return grant.account_id ? subject_of(ctx, *grant.account_id) : grant.client->id();
}

}  // namespace

std::string left_half_hash(std::string_view token) {
    auto digest = crypto::sha256(token);
    return crypto::base64url_encode(std::string_view(digest).substr(0, digest.size() / 2));
}

std::int64_t access_token_lifetime(const ProviderContext& ctx, const Client& client) {
    return client.config.access_token_lifetime.value_or(ctx.config.oidc.access_token_lifetime);
}

expected<MintedAccessToken, std::error_code> mint_access_token(ProviderContext& ctx, const Grant& grant,
                                                               TimePoint now) {
    const auto iat = to_unix_seconds(now);
    const auto lifetime = access_token_lifetime(ctx, *grant.client);
    storage::AccessToken record;
    record.jti = random_token(ctx.random, 16);
    record.client_id = grant.client->id();
    record.account_id = grant.account_id;
    record.scope = to_string(grant.access_token_scope());
    record.issued_at = iat;
    record.expires_at = iat + lifetime;
    record.code_digest = grant.code_digest;
    record.family_id = grant.family_id;
    record.session_digest = grant.session_digest;

    nlohmann::json audience = ctx.issuer();
    if (grant.audience.size() == 1) audience = grant.audience.front();
    else if (!grant.audience.empty()) audience = grant.audience;
    nlohmann::json claims{{"iss", ctx.issuer()},
                          {"sub", subject_for(ctx, grant)},
                          {"aud", std::move(audience)},
                          {"client_id", grant.client->id()},
                          {"scope", record.scope},
                          {"jti", record.jti},
                          {"iat", iat},
                          {"exp", record.expires_at}};
    if (grant.account_id) {
        if (grant.auth_time) claims["auth_time"] = *grant.auth_time;
        if (!grant.acr.empty()) claims["acr"] = grant.acr;
        if (!grant.amr.empty()) claims["amr"] = grant.amr;
    }
    if (grant.dpop_jkt) claims["cnf"] = {{"jkt", *grant.dpop_jkt}};
    auto token = sign_jwt(ctx, jose::Algorithm::RS256, access_token_typ, claims, now);
    if (!token) return unexpected{token.error()};
    return MintedAccessToken{std::move(*token), std::move(record), lifetime};
}

expected<std::string, std::error_code> mint_id_token(ProviderContext& ctx, const Grant& grant,
                                                     const IdTokenInput& input, TimePoint now) {
    const auto iat = to_unix_seconds(now);
    nlohmann::json claims = nlohmann::json::object();
    if (input.scope_claims.is_object())
        for (const auto& name : input.requested_claims)
            if (name != "caf_nir" && input.scope_claims.contains(name)) claims[name] = input.scope_claims.at(name);
    // Protocol claims last: a claim source can never override them.
    claims["iss"] = ctx.issuer();
    claims["sub"] = subject_for(ctx, grant);
    claims["aud"] = grant.client->id();
    claims["azp"] = grant.client->id();
    claims["iat"] = iat;
    claims["exp"] = iat + static_cast<std::int64_t>(ctx.config.oidc.id_token_lifetime);
    if (grant.auth_time) claims["auth_time"] = *grant.auth_time;
    else claims.erase("auth_time");
    if (input.nonce) claims["nonce"] = *input.nonce;
    else claims.erase("nonce");
    if (!grant.acr.empty()) claims["acr"] = grant.acr;
    else claims.erase("acr");
    if (!grant.amr.empty()) claims["amr"] = grant.amr;
    else claims.erase("amr");
    if (grant.sid) claims["sid"] = *grant.sid;
    else if (grant.session_digest) claims["sid"] = sid_of(*grant.session_digest);
    else claims.erase("sid");
    claims["at_hash"] = left_half_hash(input.access_token);
    for (const char* reserved : {"jti", "nbf", "c_hash", "client_id", "scope", "cnf"}) claims.erase(reserved);
    return sign_jwt(ctx, grant.client->id_token_alg, "JWT", claims, now);
}

expected<std::string, std::error_code> mint_logout_token(ProviderContext& ctx, const Client& client,
                                                         std::int64_t account_id, std::string_view session_digest,
                                                         TimePoint now) {
    const auto iat = to_unix_seconds(now);
    nlohmann::json claims{{"iss", ctx.issuer()},
                          {"aud", client.id()},
                          {"iat", iat},
                          {"exp", iat + 120},
                          {"jti", random_token(ctx.random, 16)},
                          {"sub", subject_of(ctx, account_id)},
                          {"sid", sid_of(session_digest)},
                          {"events", {{std::string(backchannel_logout_event), nlohmann::json::object()}}}};
    return sign_jwt(ctx, client.id_token_alg, logout_token_typ, claims, now);
}

std::int64_t refresh_idle_expiry(const ProviderContext& ctx, TimePoint now) {
    return to_unix_seconds(now) + ctx.config.oidc.refresh_token_idle;
}

MintedRefreshToken mint_refresh_token(ProviderContext& ctx, const Grant& grant, TimePoint now) {
    const auto created = to_unix_seconds(now);
    const std::int64_t lifetime =
        grant.client->config.refresh_token_lifetime.value_or(ctx.config.oidc.refresh_token_lifetime);
    MintedRefreshToken minted;
    minted.token = random_token(ctx.random, 32);
    auto& r = minted.record;
    r.digest = login::digest(minted.token);
    r.family_id = grant.family_id.value_or(random_token(ctx.random, 16));
    r.client_id = grant.client->id();
    r.account_id = grant.account_id.value_or(0);
    r.scope = to_string(grant.scope);
    r.session_digest = grant.session_digest;
    r.code_digest = grant.code_digest;
    r.created_at = created;
    r.expires_at = created + lifetime;
    r.idle_expires_at = std::min(r.expires_at, refresh_idle_expiry(ctx, now));
    return minted;
}

}  // namespace caf::oidc::issuance
