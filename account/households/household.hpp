// A person's dossier as the identity side sees it (SPEC.md §7): their role, the other principal
// member, the delegation flag. Read from the store at each use, so a change of delegation shows
// at the next page, token or userinfo.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "account/households/access_matrix.hpp"
#include "account/steps/pending_steps.hpp"
#include "core/personal_data_protector.hpp"
#include "storage/database.hpp"
#include "storage/dossiers.hpp"

namespace caf::account::households {

struct Household {
    std::int64_t account_id = 0;
    storage::MemberRole role = storage::MemberRole::autre;
    storage::Dossier dossier;
    std::optional<std::int64_t> allocataire;  // account ids of the principal members
    std::optional<std::int64_t> spouse;

    MemberAccess access() const { return {role, dossier.delegation_granted, spouse.has_value()}; }
    // The allocataire of a couple who never answered "Mes autorisations" (nor skipped it).
    bool delegation_question_due() const {
        return role == storage::MemberRole::allocataire && spouse && !dossier.delegation_question_answered;
    }
    // The allocataire of a couple manages the delegation; the spouse sees it.
    bool has_delegation_page() const {
        return spouse && (role == storage::MemberRole::allocataire || role == storage::MemberRole::conjoint);
    }
    // The other principal member: the spouse for the allocataire and the reverse.
    std::optional<std::int64_t> partner() const {
        if (role == storage::MemberRole::allocataire) return spouse;
        if (role == storage::MemberRole::conjoint) return allocataire;
        return std::nullopt;
    }
};

// The household of `account_id`: its dossier as allocataire or spouse when it has one, else the
// first dossier it belongs to. Nullopt when it is in none.
std::optional<Household> household_of(storage::Database& db, storage::Connection& c, std::int64_t account_id);
std::optional<Household> household_of(storage::Database& db, std::int64_t account_id);

// What the pending steps need of the account's dossier (the delegation question).
DossierFacts dossier_facts(storage::Database& db, std::int64_t account_id);

// The display name of a member ("Zohra TADJ"), from their sealed état civil; empty when unknown.
// Only for pages and claims of the same dossier's members.
std::string member_name(storage::Database& db, const PersonalDataProtector& protector, std::int64_t account_id);

}  // namespace caf::account::households
