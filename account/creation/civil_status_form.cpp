// The état civil form's rules.
#include "account/creation/civil_status_form.hpp"

#include <nlohmann/json.hpp>

#include "account/creation/identity_document.hpp"
#include "core/text.hpp"

namespace caf::account::creation {
namespace {

using text::trim;
using text::upper_ascii;

bool digits(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

// Letters (accented ones come as UTF-8 bytes), spaces, hyphens and apostrophes; no digit or sign.
bool plausible_name(std::string_view name) {
    if (name.empty() || name.size() > 80) return false;
    bool letter = false;
    for (unsigned char c : name) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80) letter = true;
        else if (c != ' ' && c != '-' && c != '\'') return false;
    }
    return letter;
}

// Métropole 01–95 (20 is 2A/2B), the overseas départements and collectivities.
bool known_departement(std::string_view d) {
    if (d == "2A" || d == "2B") return true;
    if (d.size() == 2 && digits(d)) return d != "00" && d != "20" && d <= "95";
    if (d.size() == 3 && digits(d)) return (d >= "971" && d <= "978") || (d >= "986" && d <= "988");
    return false;
}

}  // namespace

std::chrono::year_month_day calendar_day(std::chrono::system_clock::time_point t) {
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)};
}

PersonRecord CivilStatusEntry::person() const {
    PersonRecord p;
    p.civilite = civility == Civility::madame ? "Madame" : "Monsieur";
    p.birth_name = birth_name;
    p.first_names = first_names;
    p.usage_name = usage_name;
    p.birth_date = iso_date(birth_date);
    p.birth_place = born_abroad ? "" : commune;
    p.birth_country = born_abroad ? country : "99100";
    return p;
}

nlohmann::json to_json(const CivilStatusEntry& e) {
    nlohmann::json j{{"civilite", e.civility == Civility::madame ? "Madame" : "Monsieur"},
                     {"birth_name", e.birth_name},
                     {"first_names", e.first_names},
                     {"usage_name", e.usage_name},
                     {"birth_date", iso_date(e.birth_date)},
                     {"born_abroad", e.born_abroad},
                     {"departement", e.departement},
                     {"birth_place", e.born_abroad ? "" : e.commune},
                     {"birth_country", e.born_abroad ? e.country : "99100"},
                     {"birth_city", e.city},
                     {"resides_in_france", e.resides_in_france},
                     {"postal_code", e.postal_code}};
    if (e.nir) j["nir"] = *e.nir;
    else
        j["parents"] = {{{"birth_name", e.parent1.birth_name}, {"first_names", e.parent1.first_names}},
                        {{"birth_name", e.parent2.birth_name}, {"first_names", e.parent2.first_names}}};
    return j;
}

std::optional<CivilStatusEntry> civil_status_from_json(const nlohmann::json& j) {
    try {
        CivilStatusEntry e;
        if (j.contains("nir")) e.nir = j.at("nir").get<std::string>();
        e.civility = j.at("civilite").get<std::string>() == "Madame" ? Civility::madame : Civility::monsieur;
        e.birth_name = j.at("birth_name").get<std::string>();
        e.first_names = j.at("first_names").get<std::string>();
        e.usage_name = j.at("usage_name").get<std::string>();
        auto date = parse_iso_date(j.at("birth_date").get<std::string>());
        if (!date) return std::nullopt;
        e.birth_date = *date;
        e.born_abroad = j.at("born_abroad").get<bool>();
        e.departement = j.at("departement").get<std::string>();
        if (e.born_abroad) e.country = j.at("birth_country").get<std::string>();
        else e.commune = j.at("birth_place").get<std::string>();
        e.city = j.at("birth_city").get<std::string>();
        e.resides_in_france = j.value("resides_in_france", true);
        e.postal_code = j.value("postal_code", std::string());
        if (j.contains("parents")) {
            const auto& p = j.at("parents");
            e.parent1 = {p.at(0).at("birth_name").get<std::string>(), p.at(0).at("first_names").get<std::string>()};
            e.parent2 = {p.at(1).at("birth_name").get<std::string>(), p.at(1).at("first_names").get<std::string>()};
        }
        return e;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

const char* form_field_of(NirDisagreement disagreement) noexcept {
    switch (field_of(disagreement)) {
        case CivilStatusField::civility: return civil_field::civility;
        case CivilStatusField::birth_date: return civil_field::birth_date;
        case CivilStatusField::birth_place: return civil_field::birth_place;
    }
    return civil_field::nir;
}

expected<CivilStatusEntry, FieldErrors> check_civil_status_form(const http::Params& form,
                                                                std::chrono::year_month_day today, int minimum_age) {
    namespace f = civil_field;
    auto value = [&](const char* name) { return trim(http::find_param(form, name).value_or("")); };
    FieldErrors errors;
    CivilStatusEntry e;

    const auto has_nir = value(f::has_nir);
    std::optional<Nir> nir;
    if (has_nir == "oui") {
        auto parsed = Nir::parse(value(f::nir));
        if (parsed) nir = *parsed;
        else errors[f::nir] = std::string(message(parsed.error()));
    } else if (has_nir != "non") {
        errors[f::has_nir] = "Veuillez indiquer si vous possédez un numéro de Sécurité sociale.";
    }

    const auto civility = value(f::civility);
    if (civility == "madame") e.civility = Civility::madame;
    else if (civility == "monsieur") e.civility = Civility::monsieur;
    else errors[f::civility] = "Veuillez sélectionner votre civilité.";

    auto name = [&](const char* field, std::string& out, const char* missing, bool required = true) {
        out = value(field);
        if (out.empty()) {
            if (required) errors[field] = missing;
        } else if (!plausible_name(out)) {
            errors[field] = "Ce champ ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.";
        }
    };
    name(f::birth_name, e.birth_name, "Veuillez saisir votre nom de naissance.");
    name(f::first_names, e.first_names, "Veuillez saisir votre ou vos prénoms.");
    name(f::usage_name, e.usage_name, "", false);

    const auto date_text = value(f::birth_date);
    auto date = parse_french_date(date_text);
    if (date_text.empty()) {
        errors[f::birth_date] = "Veuillez saisir votre date de naissance.";
    } else if (!date) {
        errors[f::birth_date] = "La date de naissance doit être une date valide au format JJ/MM/AAAA.";
    } else if (std::chrono::sys_days(*date) > std::chrono::sys_days(today)) {
        errors[f::birth_date] = "La date de naissance ne peut pas être dans le futur.";
    } else {
        auto birthday = (date->year() + std::chrono::years(minimum_age)) / date->month() / date->day();
        // Born on 29 February: the birthday of a non-leap year is 1 March.
        auto reached = birthday.ok() ? std::chrono::sys_days(birthday)
                                     : std::chrono::sys_days(birthday.year() / std::chrono::March / 1);
        if (reached > std::chrono::sys_days(today))
            errors[f::birth_date] = "Vous devez avoir au moins " + std::to_string(minimum_age) +
                                    " ans pour créer votre espace Mon Compte.";
        else e.birth_date = *date;
    }

    const auto place = value(f::birth_place);
    if (place == "france") {
        e.departement = upper_ascii(value(f::departement));
        e.commune = upper_ascii(value(f::commune));
        if (!known_departement(e.departement))
            errors[f::departement] = "Veuillez saisir un département de naissance valide (par exemple 31, 2A ou 971).";
        else if (e.commune.size() != 5 || !e.commune.starts_with(e.departement) ||
                 !digits(std::string_view(e.commune).substr(e.departement.size() == 3 ? 3 : 2)))
            errors[f::commune] = "Veuillez saisir le code INSEE de votre commune de naissance (5 caractères, "
                                 "commençant par le département, par exemple 31555).";
    } else if (place == "etranger") {
        e.born_abroad = true;
        e.country = value(f::country);
        e.city = value(f::city);
        if (e.country.size() != 5 || !e.country.starts_with("99") || !digits(e.country) || e.country == "99100")
            errors[f::country] = "Veuillez saisir le code INSEE de votre pays de naissance (99 suivi de 3 chiffres).";
        if (e.city.empty()) errors[f::city] = "Veuillez saisir votre ville de naissance.";
        else if (e.city.size() > 80) errors[f::city] = "Le nom de la ville de naissance est trop long.";
    } else {
        errors[f::birth_place] = "Veuillez indiquer si vous êtes né(e) en France ou à l'étranger.";
    }

    // "Je réside en France" + lieu de résidence (code postal): metropolitan and overseas codes.
    const auto resides = value(f::resides_in_france);
    if (resides == "oui") {
        e.postal_code = value(f::postal_code);
        if (e.postal_code.size() != 5 || !digits(e.postal_code) || e.postal_code.starts_with("00"))
            errors[f::postal_code] = "Veuillez saisir le code postal de votre lieu de résidence (5 chiffres).";
    } else if (resides == "non") {
        e.resides_in_france = false;
    } else {
        errors[f::resides_in_france] = "Veuillez indiquer si vous résidez en France.";
    }

    if (has_nir == "non") {
        name(f::parent1_name, e.parent1.birth_name, "Veuillez saisir le nom de naissance du parent 1.");
        name(f::parent1_first_names, e.parent1.first_names, "Veuillez saisir le ou les prénoms du parent 1.");
        name(f::parent2_name, e.parent2.birth_name, "Veuillez saisir le nom de naissance du parent 2.");
        name(f::parent2_first_names, e.parent2.first_names, "Veuillez saisir le ou les prénoms du parent 2.");
    }

    // The NIR against the état civil, only on fields that are themselves well formed (a
    // disagreement with a date the person has still to correct would say nothing useful).
    if (nir) {
        e.nir = nir->canonical();
        const bool civility_ok = !errors.contains(f::civility);
        const bool date_ok = !errors.contains(f::birth_date) && date;
        const bool place_ok = !errors.contains(f::birth_place) && !errors.contains(f::departement) &&
                              !errors.contains(f::commune) && !errors.contains(f::country);
        CivilStatus status{e.civility, date ? *date : std::chrono::year_month_day{},
                           BirthPlace{e.born_abroad, e.commune, e.country}};
        for (auto d : check_agreement(*nir, status)) {
            const auto field = field_of(d);
            if ((field == CivilStatusField::civility && !civility_ok) ||
                (field == CivilStatusField::birth_date && !date_ok) ||
                (field == CivilStatusField::birth_place && !place_ok))
                continue;
            // Birth place disagreements go on the field the person typed: the commune or the country.
            const char* shown_on = field == CivilStatusField::birth_place
                                       ? (e.born_abroad ? f::country : f::departement)
                                       : form_field_of(d);
            if (!errors.contains(shown_on)) errors[shown_on] = std::string(message(d));
        }
    }

    if (!errors.empty()) return unexpected(std::move(errors));
    return e;
}

}  // namespace caf::account::creation
