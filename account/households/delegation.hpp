// The allocataire's decision on the delegation to the spouse (SPEC.md §7): granted, withdrawn
// or the one-time question skipped ("Passer"). Checked against the dossier inside the caller's
// transaction, audited as delegation.granted / delegation.withdrawn (account ids and the dossier
// number only).
#pragma once

#include <cstdint>

#include "storage/database.hpp"

namespace caf::account::households {

enum class DelegationChange {
    changed,      // the flag changed (and was audited)
    unchanged,    // the same answer again: the question is answered, nothing else
    not_allowed,  // not the allocataire of a dossier with a spouse
};

DelegationChange decide_delegation(storage::Database& db, storage::Connection& c, std::int64_t account_id,
                                   bool granted, std::int64_t now);

// "Passer": the question is not asked again; the delegation stays as it is. False when the
// account is not the allocataire of a couple.
bool skip_delegation_question(storage::Database& db, storage::Connection& c, std::int64_t account_id,
                              std::int64_t now);

}  // namespace caf::account::households
