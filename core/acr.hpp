// Authentication context class references (OIDC Core §2 `acr`): the values Caf Connect issues
// and how a request for one is answered. A native password login is `urn:caf:acr:pwd`; a login
// through FranceConnect carries the eIDAS level the provider vouched for (eidas1 < eidas2 < eidas3).
#pragma once

#include <optional>
#include <string_view>

namespace caf::acr {

inline constexpr std::string_view password = "urn:caf:acr:pwd";

// 1, 2 or 3 for "eidas1".."eidas3"; nullopt for anything else (case-sensitive).
std::optional<int> eidas_rank(std::string_view acr) noexcept;

// True when an authentication at `issued` answers a request for `requested`: the same value, or
// an eIDAS level at least as high.
bool satisfies(std::string_view issued, std::string_view requested) noexcept;

}  // namespace caf::acr
