// Delegation decisions over the dossier tables and the audit log.
#include "account/households/delegation.hpp"

#include "account/households/household.hpp"
#include "storage/audit_log.hpp"

namespace caf::account::households {
namespace {

bool manages_delegation(const std::optional<Household>& h) {
    return h && h->role == storage::MemberRole::allocataire && h->spouse;
}

}  // namespace

DelegationChange decide_delegation(storage::Database& db, storage::Connection& c, std::int64_t account_id,
                                   bool granted, std::int64_t now) {
    auto household = household_of(db, c, account_id);
    if (!manages_delegation(household)) return DelegationChange::not_allowed;
    const bool changed = household->dossier.delegation_granted != granted;
    storage::Dossiers(db).set_delegation(c, household->dossier.number, granted, account_id, now);
    if (!changed) return DelegationChange::unchanged;
    storage::NewAuditEntry entry;
    entry.at = now;
    entry.actor_type = "account";
    entry.actor_id = std::to_string(account_id);
    entry.action = granted ? "delegation.granted" : "delegation.withdrawn";
    entry.account_id = account_id;
    entry.details = {{"dossier", household->dossier.number}, {"spouse_account", *household->spouse}};
    storage::AuditLog(db).append(c, entry);
    return DelegationChange::changed;
}

bool skip_delegation_question(storage::Database& db, storage::Connection& c, std::int64_t account_id,
                              std::int64_t now) {
    auto household = household_of(db, c, account_id);
    if (!manages_delegation(household)) return false;
    return storage::Dossiers(db).mark_delegation_question_answered(c, household->dossier.number, now);
}

}  // namespace caf::account::households
