// Names of the JWS algorithms, both ways.
#include "oidc/jose/algorithm.hpp"

#include <array>
#include <utility>

namespace caf::oidc::jose {
namespace {

constexpr std::array<std::pair<Algorithm, std::string_view>, 5> names{{
    {Algorithm::RS256, "RS256"},
    {Algorithm::PS256, "PS256"},
    {Algorithm::ES256, "ES256"},
    {Algorithm::EdDSA, "EdDSA"},
    {Algorithm::HS256, "HS256"},
}};

}  // namespace

std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept {
    for (const auto& [alg, text] : names)
        if (text == name) return alg;
    return std::nullopt;
}

std::string_view to_string(Algorithm alg) noexcept {
    for (const auto& [known, text] : names)
        if (known == alg) return text;
    return {};
}

}  // namespace caf::oidc::jose
