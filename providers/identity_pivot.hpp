// The FranceConnect identity pivot (SPEC.md §8) as an account::PersonRecord. Claims come from the
// network: every format problem is a value, never an exception.
#pragma once

#include "account/identity/person_record.hpp"
#include "core/expected.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace caf::providers {

struct PivotError {
    std::string field;    // the claim at fault, e.g. "birthplace"
    std::string message;  // short, French
};

// given_name → first_names, family_name → birth_name, preferred_username (contact data, optional)
// → usage_name, birthdate YYYY-MM-DD, gender male/female → Monsieur/Madame, birthplace INSEE code
// `^(2[AB]|[0-9]{2})[0-9]{3}$` (or "" when born abroad), birthcountry 99XXX (99100 is France).
expected<account::PersonRecord, PivotError> person_from_pivot(const nlohmann::json& claims);

// The claims under FranceConnect's names, for a provider that names some pivot fields otherwise
// (config [providers.claims], `claim_names`: pivot field → that provider's claim). A mapped field
// is read only from its mapped claim.
nlohmann::json with_pivot_names(const nlohmann::json& claims, const std::map<std::string, std::string>& claim_names);

bool is_birthplace_code(std::string_view code) noexcept;
bool is_country_code(std::string_view code) noexcept;

}  // namespace caf::providers
