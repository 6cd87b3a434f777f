// Loading a household from the dossier tables.
#include "account/households/household.hpp"

#include "account/identity/sealed_person.hpp"
#include "storage/accounts.hpp"

namespace caf::account::households {

std::optional<Household> household_of(storage::Database& db, storage::Connection& c, std::int64_t account_id) {
    storage::Dossiers dossiers(db);
    auto memberships = dossiers.memberships_of_account(c, account_id);
    if (memberships.empty()) return std::nullopt;
    const storage::DossierMember* chosen = &memberships.front();
    for (const auto& m : memberships) {
        if (m.role == storage::MemberRole::allocataire || m.role == storage::MemberRole::conjoint) {
            chosen = &m;
            break;
        }
    }
    auto dossier = dossiers.find(c, chosen->dossier_number);
    if (!dossier) return std::nullopt;
    Household h;
    h.account_id = account_id;
    h.role = chosen->role;
    h.dossier = std::move(*dossier);
    for (const auto& m : dossiers.members(c, chosen->dossier_number)) {
        if (m.role == storage::MemberRole::allocataire) h.allocataire = m.account_id;
        if (m.role == storage::MemberRole::conjoint) h.spouse = m.account_id;
    }
    return h;
}

std::optional<Household> household_of(storage::Database& db, std::int64_t account_id) {
    return db.read([&](storage::Connection& c) { return household_of(db, c, account_id); });
}

DossierFacts dossier_facts(storage::Database& db, std::int64_t account_id) {
    auto household = household_of(db, account_id);
    return {household && household->delegation_question_due()};
}

std::string member_name(storage::Database& db, const PersonalDataProtector& protector, std::int64_t account_id) {
    auto account = storage::Accounts(db).find(account_id);
    if (!account) return {};
    auto person = open_person(protector, *account);
    return person ? display_name(*person) : std::string();
}

}  // namespace caf::account::households
