// The `caf_dossier` claim (scope caf_dossier, SPEC.md §7): what the portal needs to enforce the
// access matrix. Read at each issuance, so a change of delegation shows at the next token
// refresh and userinfo.
//
//   {"numero": "7000001", "role": "allocataire" | "conjoint" | "enfant" | "autre",
//    "delegation": true,               // allocataire: granted to the spouse; spouse: held
//    "spouse_name": "Zohra TADJ",      // for the allocataire of a couple
//    "allocataire_name": "Jean Michel FICTIF",  // for the spouse
//    "permissions": ["dossier.read", …]}        // access_matrix.hpp names
//
// Names go only to the other principal member of the same dossier. Nullopt (the claim is left
// out) when the person is in no dossier.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "account/households/household.hpp"
#include "core/personal_data_protector.hpp"
#include "storage/database.hpp"

namespace caf::account::households {

// The claim of a loaded household; `partner_name` is the other principal member's name (empty
// when unknown or none).
nlohmann::json dossier_claim(const Household& household, const std::string& partner_name);

std::optional<nlohmann::json> dossier_claim(storage::Database& db, const PersonalDataProtector& protector,
                                            std::int64_t account_id);

}  // namespace caf::account::households
