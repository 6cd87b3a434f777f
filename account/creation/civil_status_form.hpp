// Step 1 of "Créer Mon Compte" (SPEC.md §4): the état civil form read and checked, every problem
// on its own field — the NIR's structure, its agreement with civilité, birth date and place, the
// minimum age, the parents' names of a person without NIR.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "account/identifiers/nir.hpp"
#include "account/identifiers/nir_agreement.hpp"
#include "account/identity/person_record.hpp"
#include "core/expected.hpp"
#include "core/http.hpp"

namespace caf::account::creation {

// Names of the form's fields; the keys of FieldErrors.
namespace civil_field {
inline constexpr const char* has_nir = "possede_nir";  // "oui" / "non"
inline constexpr const char* nir = "nir";
inline constexpr const char* civility = "civilite";  // "madame" / "monsieur"
inline constexpr const char* birth_name = "nom_naissance";
inline constexpr const char* first_names = "prenoms";
inline constexpr const char* usage_name = "nom_usage";
inline constexpr const char* birth_date = "date_naissance";  // JJ/MM/AAAA
inline constexpr const char* birth_place = "lieu_naissance";  // "france" / "etranger"
inline constexpr const char* departement = "departement_naissance";
inline constexpr const char* commune = "commune_naissance";  // INSEE code, 5 characters
inline constexpr const char* country = "pays_naissance";     // INSEE code 99XXX
inline constexpr const char* city = "ville_naissance";
inline constexpr const char* resides_in_france = "reside_france";  // "oui" / "non"
inline constexpr const char* postal_code = "code_postal";          // 5 digits when in France
inline constexpr const char* parent1_name = "parent1_nom";
inline constexpr const char* parent1_first_names = "parent1_prenoms";
inline constexpr const char* parent2_name = "parent2_nom";
inline constexpr const char* parent2_first_names = "parent2_prenoms";
}  // namespace civil_field

// Field name → French message.
using FieldErrors = std::map<std::string, std::string>;

struct Parent {
    std::string birth_name;
    std::string first_names;
};

struct CivilStatusEntry {
    std::optional<std::string> nir;  // canonical 13 characters; none: "Non"
    Civility civility = Civility::madame;
    std::string birth_name;
    std::string first_names;
    std::string usage_name;  // may be empty
    std::chrono::year_month_day birth_date;
    bool born_abroad = false;
    std::string departement;  // born in France: "31", "2A", "971"
    std::string commune;      // born in France: INSEE commune code "31555"
    std::string country;      // born abroad: INSEE country code "99352"
    std::string city;         // born abroad: the town, as typed
    bool resides_in_france = true;  // "Je réside en France"
    std::string postal_code;        // lieu de résidence, when in France
    Parent parent1;           // without NIR only
    Parent parent2;

    PersonRecord person() const;
};

nlohmann::json to_json(const CivilStatusEntry& entry);
std::optional<CivilStatusEntry> civil_status_from_json(const nlohmann::json& json);

// The form read and checked; `today` for the age (at least `minimum_age` years old). The captcha
// of the "Non" branch is the handler's (it needs the browser binding).
expected<CivilStatusEntry, FieldErrors> check_civil_status_form(const http::Params& form,
                                                                std::chrono::year_month_day today, int minimum_age);

// The form field a NIR disagreement is shown on.
const char* form_field_of(NirDisagreement disagreement) noexcept;

std::chrono::year_month_day calendar_day(std::chrono::system_clock::time_point t);

}  // namespace caf::account::creation
