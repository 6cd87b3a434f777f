// The claims an account releases to a client, by scope (SPEC.md §9, OIDC Core §5.4): what the
// provider's userinfo and ID token say about a person. The composition root adapts this to
// oidc::ClaimsSource; account/ knows nothing of tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/personal_data_protector.hpp"
#include "storage/database.hpp"

namespace caf::account {

//   profile → given_name, family_name (birth name), preferred_username (usage name, when any),
//             birthdate, gender (male/female), birthplace, birthcountry
//   email   → email, email_verified
//   phone   → phone_number (E.164, +33…), phone_number_verified
//   caf_dossier → caf_dossier: numero, role, delegation, permissions (households/dossier_claim.hpp),
//                 left out when the person is in no dossier
// plus caf_nir (13 characters, no key) when `include_nir` and the account has a NIR. Never
// "sub". Nullopt when the account does not exist or is not active.
std::optional<nlohmann::json> account_claims(storage::Database& db, const PersonalDataProtector& protector,
                                             std::int64_t account_id, const std::vector<std::string>& scopes,
                                             bool include_nir);

// "0612345678" → "+33612345678"; other shapes are returned unchanged.
std::string french_phone_e164(const std::string& phone);

}  // namespace caf::account
