// Validation of JWT claims after the signature has been checked (RFC 7519 §4.1, OIDC Core
// §3.1.3.7): each failure names the claim that failed.
#pragma once

#include "core/clock.hpp"
#include "oidc/jose/errors.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <system_error>

namespace caf::oidc::jose {

struct Expectations {
    std::string issuer;                       // exact match
    std::string audience;                     // our client id; "aud" may be a string or an array
    // When set, "azp" must be present and equal; unset, "azp" must equal `audience` when present
    // and is required only when "aud" lists several audiences.
    std::optional<std::string> azp;
    std::optional<std::string> nonce;         // when set, "nonce" must be present and equal
    TimePoint now{};
    std::chrono::seconds leeway{30};          // clock skew tolerated on exp, iat, nbf, auth_time
    std::optional<std::chrono::seconds> max_age;  // when set, "auth_time" is required
    bool require_exp = true;
    bool require_iat = true;
};

// Empty error_code when every expectation holds.
std::error_code validate_claims(const nlohmann::json& payload, const Expectations& expect);

}  // namespace caf::oidc::jose
