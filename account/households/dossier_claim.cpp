// The caf_dossier claim from the household and the access matrix.
#include "account/households/dossier_claim.hpp"

namespace caf::account::households {

nlohmann::json dossier_claim(const Household& h, const std::string& partner_name) {
    nlohmann::json claim{{"numero", h.dossier.number},
                         {"role", std::string(storage::to_string(h.role))},
                         {"delegation", h.spouse.has_value() && h.dossier.delegation_granted}};
    if (!partner_name.empty()) {
        if (h.role == storage::MemberRole::allocataire) claim["spouse_name"] = partner_name;
        if (h.role == storage::MemberRole::conjoint) claim["allocataire_name"] = partner_name;
    }
    nlohmann::json permissions = nlohmann::json::array();
    for (auto name : permission_names(permissions_of(h.access()))) permissions.push_back(std::string(name));
    claim["permissions"] = std::move(permissions);
    return claim;
}

std::optional<nlohmann::json> dossier_claim(storage::Database& db, const PersonalDataProtector& protector,
                                            std::int64_t account_id) {
    auto household = household_of(db, account_id);
    if (!household) return std::nullopt;
    auto partner = household->partner();
    return dossier_claim(*household, partner ? member_name(db, protector, *partner) : std::string());
}

}  // namespace caf::account::households
