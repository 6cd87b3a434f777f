// The état civil of an account as it is stored (sealed) and compared: names, birth date, sex and
// place. The same fields make the identity pivot FranceConnect sends (SPEC.md §8).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/expected.hpp"

namespace caf::account {

struct PersonRecord {
    std::string civilite;     // "Madame" or "Monsieur"
    std::string birth_name;   // nom de naissance
    std::string first_names;  // prénoms, separated by spaces
    std::string usage_name;   // nom d'usage, may be empty
    std::string birth_date;   // YYYY-MM-DD (presumed dates as YYYY-MM-01 or YYYY-01-01)
    std::string birth_place;  // INSEE commune code; empty when born abroad
    std::string birth_country = "99100";  // INSEE country code, 99100 for France

    bool born_abroad() const { return birth_country != "99100"; }
};

nlohmann::json to_json(const PersonRecord& person);
// Nullopt when a field has the wrong type or format (the reason in the error).
expected<PersonRecord, std::string> person_from_json(const nlohmann::json& json);

// Upper case, accents stripped, hyphens, apostrophes and runs of spaces folded to one space,
// trimmed: "d'Artagnan-Léger " → "D ARTAGNAN LEGER". Names compare equal across spellings.
std::string normalise_name(std::string_view name);

// The canonical text of the identity pivot: birth name, first names, birth date, sex, birth
// place (not compared for people born abroad) and country. Its keyed HMAC is the account's
// pivot lookup, so a unique exact match is one index lookup.
std::string pivot_key(const PersonRecord& person);

// The canonical text of what "Identifiant provisoire oublié" asks: birth name, the first of the
// first names, birth date. Its keyed HMAC is a provisional account's recovery lookup (several
// accounts may share it); the typed form gives the same text when it names the same person.
std::string provisional_recovery_key(const PersonRecord& person);

// YYYY-MM-DD with a real calendar date.
bool is_iso_date(std::string_view text);

}  // namespace caf::account
