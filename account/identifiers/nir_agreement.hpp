// Whether a NIR agrees with the état civil typed next to it on the creation form (SPEC.md §4):
// each disagreement names the field it belongs to, so the page shows it there.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "account/identifiers/nir.hpp"

namespace caf::account {

enum class Civility { madame, monsieur };

struct BirthPlace {
    bool abroad = false;
    // INSEE COG code of the birth commune when born in France: "31555", "2A004", "97101".
    std::string commune_code;
    // INSEE COG code of the country when born abroad ("99XXX"); empty when not given.
    std::string country_code;
};

struct CivilStatus {
    Civility civility = Civility::madame;
    std::chrono::year_month_day birth_date;
    BirthPlace birth_place;
};

// The form fields a disagreement is shown on.
enum class CivilStatusField { civility, birth_date, birth_place };

enum class NirDisagreement { civility, birth_year, birth_month, birth_place };

CivilStatusField field_of(NirDisagreement disagreement) noexcept;
// The French message shown on that field.
std::string_view message(NirDisagreement disagreement) noexcept;

// Every disagreement between the NIR and the état civil; empty when they agree. Unknown-month
// codes agree with any birth month.
std::vector<NirDisagreement> check_agreement(const Nir& nir, const CivilStatus& civil_status);

}  // namespace caf::account
