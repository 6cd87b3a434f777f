// Messages for jose_error, written for logs: they name the failing part, never a secret.
#include "oidc/jose/errors.hpp"

namespace caf::oidc::jose {
namespace {

class jose_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "jose"; }

    std::string message(int value) const override {
        switch (static_cast<jose_error>(value)) {
            case jose_error::malformed_token: return "token is not a JWS compact serialisation";
            case jose_error::invalid_base64url: return "token segment is not valid base64url";
            case jose_error::invalid_header: return "JOSE header is not a valid JSON object";
            case jose_error::missing_alg: return "JOSE header has no alg";
            case jose_error::alg_none: return "alg none is refused";
            case jose_error::unsupported_alg: return "alg is not supported";
            case jose_error::alg_not_allowed: return "alg is not on the allow-list";
            case jose_error::crit_not_supported: return "crit header parameters are not supported";
            case jose_error::missing_kid: return "kid is required to choose among several keys";
            case jose_error::unknown_kid: return "no key with this kid";
            case jose_error::key_type_mismatch: return "key type does not fit the alg";
            case jose_error::key_alg_mismatch: return "key is declared for another alg";
            case jose_error::key_use_mismatch: return "key is not a signature key";
            case jose_error::weak_key: return "key is too short for the alg";
            case jose_error::invalid_signature: return "signature does not verify";
            case jose_error::signing_failed: return "signing failed";
            case jose_error::invalid_jwk: return "JWK is malformed";
            case jose_error::unsupported_key_type: return "JWK key type or curve is not supported";
            case jose_error::invalid_jwk_set: return "JWK set is malformed";
            case jose_error::invalid_claims: return "JWT claims are not a JSON object";
            case jose_error::iss_mismatch: return "iss claim does not match the expected issuer";
            case jose_error::aud_mismatch: return "aud claim does not contain the expected audience";
            case jose_error::azp_missing: return "azp claim is required with several audiences";
            case jose_error::azp_mismatch: return "azp claim does not match the client";
            case jose_error::exp_invalid: return "exp claim is missing or not a number";
            case jose_error::expired: return "exp claim is in the past";
            case jose_error::iat_invalid: return "iat claim is missing or not a number";
            case jose_error::iat_in_future: return "iat claim is in the future";
            case jose_error::nbf_invalid: return "nbf claim is not a number";
            case jose_error::not_yet_valid: return "nbf claim is in the future";
            case jose_error::nonce_mismatch: return "nonce claim does not match";
            case jose_error::auth_time_invalid: return "auth_time claim is missing or not a number";
            case jose_error::auth_time_too_old: return "auth_time claim is older than max_age";
        }
        return "unknown jose error";
    }
};

}  // namespace

const std::error_category& jose_category() noexcept {
    static const jose_category_impl category;
    return category;
}

}  // namespace caf::oidc::jose
