// Minting what the token endpoint hands out: the ID token (OIDC Core §2), the access token (a JWT
// of RFC 9068, recorded by jti so it can be introspected and revoked) and the opaque refresh token
// (stored only as a digest, in a family for rotation and reuse detection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "oidc/issuance/scope_set.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/provider_context.hpp"
#include "storage/tokens.hpp"

namespace caf::oidc::issuance {

// The `typ` header of access tokens (RFC 9068 §2.1).
inline constexpr std::string_view access_token_typ = "at+jwt";

// Who and what a set of tokens is issued for. `account_id` is empty for client_credentials.
struct Grant {
    const Client* client = nullptr;
    std::optional<std::int64_t> account_id;
    ScopeSet scope;  // granted
    // How the person authenticated; unknown (empty) on a refresh whose SSO session is gone.
    std::optional<std::int64_t> auth_time;
    std::string acr;
    std::vector<std::string> amr;
    std::optional<std::string> session_digest;
    std::optional<std::string> sid;          // as the authorize side computed it; else from session_digest
    std::optional<std::string> code_digest;  // authorization_code: revoked together on replay
    std::optional<std::string> family_id;    // refresh_token: revoked together on reuse
    // Of the access token (resource_audience.hpp): its `aud`, and its scope when a resource
    // narrowed it (the ID token and the refresh token keep `scope`).
    std::vector<std::string> audience;
    std::optional<ScopeSet> access_scope;
    const ScopeSet& access_token_scope() const { return access_scope ? *access_scope : scope; }
    std::optional<std::string> dpop_jkt;     // DPoP-bound (RFC 9449 §6): the access token's cnf.jkt
};

struct MintedAccessToken {
    std::string token;
    storage::AccessToken record;  // to record in AccessTokens in the issuing transaction
    std::int64_t expires_in = 0;
};

struct MintedRefreshToken {
    std::string token;             // given to the client once
    storage::RefreshToken record;  // stored by digest
};

// Access token claims: iss, sub (the account's subject, or the client id), aud (grant.audience;
// the issuer only for a grant that names none),
// client_id, scope, jti, iat, exp, and auth_time/acr/amr for a person. RS256, typ at+jwt.
expected<MintedAccessToken, std::error_code> mint_access_token(ProviderContext& ctx, const Grant& grant,
                                                               TimePoint now);

struct IdTokenInput {
    std::optional<std::string> nonce;  // authorization_code only
    std::string access_token;          // for at_hash
    nlohmann::json scope_claims = nlohmann::json::object();  // from ClaimsSource; cannot override protocol claims
    std::vector<std::string> requested_claims;  // the claims parameter's id_token names
};
// ID token claims: iss, sub, aud, azp, exp, iat, auth_time, nonce, acr, amr, sid, at_hash, and of
// the scope's claims only those the client asked for with the claims parameter: an ID token is
// sent back in id_token_hint URLs and lands in logs, so personal data stays at userinfo by
// default. The NIR (caf_nir) is never in it. Signed with the client's id_token_alg, typ JWT.
expected<std::string, std::error_code> mint_id_token(ProviderContext& ctx, const Grant& grant,
                                                     const IdTokenInput& input, TimePoint now);

// OpenID Connect Back-Channel Logout 1.0 §2.4: iss, aud (the client), iat, exp (two minutes),
// jti, events with the back-channel logout event, sub and sid; never a nonce. Explicitly typed
// logout+jwt (§2.4), signed with the client's id_token_alg as its ID tokens are.
inline constexpr std::string_view logout_token_typ = "logout+jwt";
inline constexpr std::string_view backchannel_logout_event = "http://schemas.openid.net/event/backchannel-logout";
expected<std::string, std::error_code> mint_logout_token(ProviderContext& ctx, const Client& client,
                                                         std::int64_t account_id, std::string_view session_digest,
                                                         TimePoint now);

// A new family (family_id empty) or the first token of one: 32 random bytes, absolute expiry from
// the client's refresh_token_lifetime (default config.oidc), idle expiry capped by it.
MintedRefreshToken mint_refresh_token(ProviderContext& ctx, const Grant& grant, TimePoint now);
// The idle expiry a rotation at `now` gives the new token (the store caps it by the family's).
std::int64_t refresh_idle_expiry(const ProviderContext& ctx, TimePoint now);

// at_hash / c_hash (OIDC Core §3.1.3.6): base64url of the left half of SHA-256 (RS256, ES256, PS256).
std::string left_half_hash(std::string_view token);

std::int64_t access_token_lifetime(const ProviderContext& ctx, const Client& client);

}  // namespace caf::oidc::issuance
