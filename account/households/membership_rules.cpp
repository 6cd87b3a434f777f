// The membership rules of SPEC.md §7.
#include "account/households/membership_rules.hpp"

namespace caf::account::households {
namespace {

bool is_principal(storage::MemberRole role) {
    return role == storage::MemberRole::allocataire || role == storage::MemberRole::conjoint;
}

std::string role_name(storage::MemberRole role) {
    return role == storage::MemberRole::allocataire ? "allocataire" : "spouse (conjoint)";
}

}  // namespace

expected<MembershipPlan, std::string> plan_membership(const std::vector<storage::DossierMember>& dossier_members,
                                                      const std::vector<storage::DossierMember>& account_memberships,
                                                      const std::string& numero, std::int64_t account_id,
                                                      storage::MemberRole role) {
    MembershipPlan plan;
    for (const auto& m : dossier_members) {
        if (m.account_id != account_id) continue;
        if (m.role == role) {
            plan.unchanged = true;
            return plan;
        }
        plan.previous = m.role;
    }
    if (is_principal(role)) {
        for (const auto& m : account_memberships)
            if (m.dossier_number != numero && is_principal(m.role))
                return unexpected("account " + std::to_string(account_id) + " is already " + role_name(m.role) +
                                  " of dossier " + m.dossier_number +
                                  ": a person is allocataire or spouse in at most one dossier");
        for (const auto& m : dossier_members)
            if (m.account_id != account_id && m.role == role)
                return unexpected("dossier " + numero + " already has an " + role_name(role) + " (account " +
                                  std::to_string(m.account_id) + "): remove it first");
    }
    plan.resets_delegation = (plan.previous && is_principal(*plan.previous)) || (plan.previous && is_principal(role));
    return plan;
}

bool removal_resets_delegation(storage::MemberRole removed) { return is_principal(removed); }

}  // namespace caf::account::households
