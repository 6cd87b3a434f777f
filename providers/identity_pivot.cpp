#include "providers/identity_pivot.hpp"

#include <cctype>
#include <optional>
#include <utility>

namespace caf::providers {

namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

unexpected<PivotError> fail(std::string field, std::string message) {
    return unexpected<PivotError>{PivotError{std::move(field), std::move(message)}};
}

// A string claim, nullopt when absent or not a string.
std::optional<std::string> string_claim(const nlohmann::json& claims, const char* name) {
    const auto it = claims.find(name);
    if (it == claims.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

// Trimmed, inner runs of spaces folded to one.
std::string fold_spaces(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == ' ' || c == '\t') {
            if (!out.empty() && out.back() != ' ') out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

bool has_control_characters(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
    return false;
}

}  // namespace

nlohmann::json with_pivot_names(const nlohmann::json& claims, const std::map<std::string, std::string>& claim_names) {
    if (claim_names.empty() || !claims.is_object()) return claims;
    nlohmann::json out = claims;
    for (const auto& [field, claim] : claim_names) {
        out.erase(field);
        if (auto it = claims.find(claim); it != claims.end()) out[field] = *it;
    }
    return out;
}

bool is_birthplace_code(std::string_view code) noexcept {
    if (code.size() != 5) return false;
    const bool department = (code[0] == '2' && (code[1] == 'A' || code[1] == 'B')) ||
                            (digit(code[0]) && digit(code[1]));
    return department && digit(code[2]) && digit(code[3]) && digit(code[4]);
}

bool is_country_code(std::string_view code) noexcept {
    return code.size() == 5 && code[0] == '9' && code[1] == '9' && digit(code[2]) &&
           digit(code[3]) && digit(code[4]);
}

expected<account::PersonRecord, PivotError> person_from_pivot(const nlohmann::json& claims) {
    if (!claims.is_object()) return fail("", "Les informations d'identité reçues sont invalides.");
    account::PersonRecord person;

    const auto given = string_claim(claims, "given_name");
    if (!given || fold_spaces(*given).empty() || has_control_characters(*given))
        return fail("given_name", "Les prénoms reçus sont absents ou invalides.");
    person.first_names = fold_spaces(*given);

    const auto family = string_claim(claims, "family_name");
    if (!family || fold_spaces(*family).empty() || has_control_characters(*family))
        return fail("family_name", "Le nom de naissance reçu est absent ou invalide.");
    person.birth_name = fold_spaces(*family);

    if (claims.contains("preferred_username")) {
        const auto usage = string_claim(claims, "preferred_username");
        if (!usage || has_control_characters(*usage))
            return fail("preferred_username", "Le nom d'usage reçu est invalide.");
        person.usage_name = fold_spaces(*usage);
    }

    const auto birthdate = string_claim(claims, "birthdate");
    if (!birthdate || !account::is_iso_date(*birthdate))
        return fail("birthdate", "La date de naissance reçue est absente ou invalide.");
    person.birth_date = *birthdate;

    const auto gender = string_claim(claims, "gender");
    if (gender == "male") {
        person.civilite = "Monsieur";
    } else if (gender == "female") {
        person.civilite = "Madame";
    } else {
        return fail("gender", "Le sexe reçu est absent ou invalide.");
    }

    const auto country = string_claim(claims, "birthcountry");
    if (!country || !is_country_code(*country))
        return fail("birthcountry", "Le pays de naissance reçu est absent ou invalide.");
    person.birth_country = *country;

    const auto place = string_claim(claims, "birthplace");
    if (!place) return fail("birthplace", "Le lieu de naissance reçu est absent ou invalide.");
    if (person.born_abroad()) {
        if (!place->empty())
            return fail("birthplace", "Le lieu de naissance ne correspond pas au pays de naissance.");
    } else if (!is_birthplace_code(*place)) {
        return fail("birthplace", "Le lieu de naissance reçu est absent ou invalide.");
    }
    person.birth_place = *place;
    return person;
}

}  // namespace caf::providers
