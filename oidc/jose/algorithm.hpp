// The JWS algorithms Caf Connect signs and verifies with. "none" and every other name are not
// algorithms: parsing them gives nothing, so no code path can end up accepting them.
#pragma once

#include <optional>
#include <string_view>

namespace caf::oidc::jose {

enum class Algorithm { RS256, PS256, ES256, EdDSA, HS256 };

// Exact, case-sensitive JWA names (RFC 7518, RFC 8037).
std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept;
std::string_view to_string(Algorithm alg) noexcept;

// HS256 is the only algorithm keyed by a shared secret rather than a key pair.
constexpr bool is_symmetric(Algorithm alg) noexcept { return alg == Algorithm::HS256; }

}  // namespace caf::oidc::jose
