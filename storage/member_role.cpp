// Dossier member roles by name.
#include "storage/member_role.hpp"

namespace caf::storage {

std::string_view to_string(MemberRole role) noexcept {
    switch (role) {
        case MemberRole::allocataire: return "allocataire";
        case MemberRole::conjoint: return "conjoint";
        case MemberRole::enfant: return "enfant";
        case MemberRole::autre: return "autre";
    }
    return "autre";
}

std::optional<MemberRole> member_role_from_string(std::string_view text) noexcept {
    for (auto role : {MemberRole::allocataire, MemberRole::conjoint, MemberRole::enfant, MemberRole::autre}) {
        if (to_string(role) == text) return role;
    }
    return std::nullopt;
}

}  // namespace caf::storage
