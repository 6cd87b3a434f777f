// The JOSE layer's errors: one enum, one std::error_category. Tokens come from the network, so
// every failure is a value the caller maps to a protocol error, never an exception.
#pragma once

#include <string>
#include <system_error>

namespace caf::oidc::jose {

enum class jose_error {
    // Token shape
    malformed_token = 1,    // not three non-empty dot-separated segments
    invalid_base64url,      // a segment is not canonical unpadded base64url
    invalid_header,         // header is not a JSON object, has duplicate or ill-typed members
    // Algorithm and header policy
    missing_alg,
    alg_none,               // "none" is never an algorithm
    unsupported_alg,
    alg_not_allowed,        // a real algorithm, but not on this caller's allow-list
    crit_not_supported,
    // Key selection
    missing_kid,            // several keys could match and the header names none
    unknown_kid,
    key_type_mismatch,      // e.g. HS256 with an RSA public key
    key_alg_mismatch,       // the JWK declares another "alg"
    key_use_mismatch,       // the JWK is not a signature key ("use" other than "sig")
    weak_key,               // RSA under 2048 bits, HMAC secret under 256 bits
    invalid_signature,
    signing_failed,
    // JWK / JWKS
    invalid_jwk,
    unsupported_key_type,
    invalid_jwk_set,
    // Claims
    invalid_claims,         // payload is not a JSON object
    iss_mismatch,
    aud_mismatch,
    azp_missing,
    azp_mismatch,
    exp_invalid,            // missing when required, or not a NumericDate
    expired,
    iat_invalid,
    iat_in_future,
    nbf_invalid,
    not_yet_valid,
    nonce_mismatch,
    auth_time_invalid,
    auth_time_too_old,
};

const std::error_category& jose_category() noexcept;

inline std::error_code make_error_code(jose_error e) noexcept {
    return {static_cast<int>(e), jose_category()};
}

}  // namespace caf::oidc::jose

template <>
struct std::is_error_code_enum<caf::oidc::jose::jose_error> : std::true_type {};
