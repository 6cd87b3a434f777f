// acr values and their order.
#include "core/acr.hpp"

namespace caf::acr {

std::optional<int> eidas_rank(std::string_view acr) noexcept {
    if (acr == "eidas1") return 1;
    if (acr == "eidas2") return 2;
    if (acr == "eidas3") return 3;
    return std::nullopt;
}

bool satisfies(std::string_view issued, std::string_view requested) noexcept {
    if (issued == requested) return true;
    auto have = eidas_rank(issued);
    auto want = eidas_rank(requested);
    return have && want && *have >= *want;
}

}  // namespace caf::acr
