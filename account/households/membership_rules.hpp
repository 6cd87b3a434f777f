// Dossier membership rules (SPEC.md §7), the one place both the admin API and the importer ask: a
// person is allocataire or spouse in at most one dossier; a dossier has one allocataire and at
// most one spouse. The store's unique keys enforce the same; this says which rule a change breaks,
// in words an agent reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "storage/dossiers.hpp"

namespace caf::account::households {

struct MembershipPlan {
    bool unchanged = false;                        // already a member with that role
    std::optional<storage::MemberRole> previous;   // the role replaced, when a member changes role
    // The allocataire or the spouse changes: the delegation granted between them no longer holds.
    bool resets_delegation = false;
};

// `dossier_members`: the dossier's members now; `account_memberships`: every membership of the
// account. The error is the 409 message.
expected<MembershipPlan, std::string> plan_membership(const std::vector<storage::DossierMember>& dossier_members,
                                                      const std::vector<storage::DossierMember>& account_memberships,
                                                      const std::string& numero, std::int64_t account_id,
                                                      storage::MemberRole role);

// Removing a member resets the delegation when it was the allocataire or the spouse.
bool removal_resets_delegation(storage::MemberRole removed);

}  // namespace caf::account::households
