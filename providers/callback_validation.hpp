// Validation of what an upstream OpenID Connect provider (FranceConnect v2 by default) sends back
// for one pending authorization: the ID token, then the userinfo response (SPEC.md §8). Pure: no
// HTTP, no storage; the JWKS and the current time are given. JOSE is oidc/jose's.
#pragma once

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "oidc/jose/algorithm.hpp"
#include "oidc/jose/jwk.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caf::providers {

// v2: ES256/RS256 with the provider's JWKS, userinfo a JWS. v1 (retired, still configurable):
// HS256 keyed with the client secret, userinfo plain JSON.
enum class ProviderProfile { franceconnect_v2, franceconnect_v1 };

// The expectations of one pending upstream authorization.
struct ExpectedAuthorization {
    std::string issuer;       // exact
    std::string client_id;    // our client id at the provider: "aud" (and "azp")
    std::string nonce;        // the one sent in /authorize; never empty
    std::string minimum_acr = "eidas1";  // eidas1 < eidas2 < eidas3
    std::vector<oidc::jose::Algorithm> allowed_algorithms;  // "none" cannot be expressed
    std::chrono::seconds max_clock_skew{30};
    ProviderProfile profile = ProviderProfile::franceconnect_v2;
    bool userinfo_signed = true;  // userinfo must be an application/jwt JWS
    std::string client_secret;    // HS256 key, v1 profile only
};

struct ValidatedIdentity {
    std::string sub;
    std::string acr;
    std::vector<std::string> amr;
    nlohmann::json claims = nlohmann::json::object();  // ID token claims, then userinfo claims
};

enum class CallbackErrorReason {
    configuration,          // the expectations themselves are unusable (no nonce, HS256 in v2...)
    malformed_token,
    algorithm_not_allowed,  // alg none, or outside the allow-list
    unknown_key,            // kid not in the JWKS (the caller may refetch once)
    bad_signature,          // includes a key that does not fit the algorithm
    issuer_mismatch,
    audience_mismatch,      // aud or azp
    expired,
    invalid_times,          // exp/iat missing, malformed, or iat in the future
    nonce_mismatch,
    acr_insufficient,
    missing_subject,
    userinfo_not_signed,
    userinfo_invalid,
    userinfo_subject_mismatch,
};

struct CallbackError {
    CallbackErrorReason reason;
    std::string message;  // short, French, for the error page
};

std::string_view to_string(CallbackErrorReason reason) noexcept;

// Rank of an eIDAS level ("eidas1" → 1 ... "eidas3" → 3), nullopt for anything else.
std::optional<int> acr_rank(std::string_view acr) noexcept;

// The upstream's answer to /userinfo.
struct UserinfoResponse {
    std::string content_type;  // e.g. "application/jwt" or "application/json; charset=utf-8"
    std::string body;
};

// Signature (kid, allow-list), iss, aud/azp, exp/iat with skew, nonce, acr, sub.
expected<ValidatedIdentity, CallbackError> validate_id_token(const ExpectedAuthorization& expect,
                                                             const oidc::jose::JwkSet& keys,
                                                             std::string_view id_token,
                                                             TimePoint now);

// Userinfo for an already validated ID token: a JWS when `expect.userinfo_signed` (same keys and
// allow-list; iss and aud checked when present), its "sub" equal to the ID token's. The result
// carries the ID token's sub/acr/amr and the userinfo claims.
expected<ValidatedIdentity, CallbackError> validate_userinfo(const ExpectedAuthorization& expect,
                                                             const oidc::jose::JwkSet& keys,
                                                             const ValidatedIdentity& id_token,
                                                             const UserinfoResponse& userinfo,
                                                             TimePoint now);

// Both, in order.
expected<ValidatedIdentity, CallbackError> validate_callback(const ExpectedAuthorization& expect,
                                                             const oidc::jose::JwkSet& keys,
                                                             std::string_view id_token,
                                                             const UserinfoResponse& userinfo,
                                                             TimePoint now);

}  // namespace caf::providers
