// The role of a person in a dossier, as the store and the import files spell it. Its own unit so
// that parsers (the import line) use it without the store.
#pragma once

#include <optional>
#include <string_view>

namespace caf::storage {

enum class MemberRole { allocataire, conjoint, enfant, autre };
std::string_view to_string(MemberRole role) noexcept;
std::optional<MemberRole> member_role_from_string(std::string_view text) noexcept;

}  // namespace caf::storage
