// Locked pivot fields of a prefilled creation.
#include "account/creation/prefilled_civil_status.hpp"

#include <array>

#include "account/creation/civil_status_form.hpp"
#include "account/creation/identity_document.hpp"

namespace caf::account::creation {
namespace {

// The département of an INSEE commune code: "31555" → "31", "2A004" → "2A", "97105" → "971".
std::string departement_of(const std::string& commune) {
    if (commune.size() != 5) return {};
    return commune.starts_with("97") || commune.starts_with("98") ? commune.substr(0, 3) : commune.substr(0, 2);
}

std::string typed_date(const std::string& iso) {
    auto date = parse_iso_date(iso);
    return date ? french_date(*date) : iso;
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    return s;
}

}  // namespace

bool is_locked_field(std::string_view name) {
    namespace f = civil_field;
    static constexpr std::array locked{f::civility, f::birth_name, f::first_names, f::birth_date, f::birth_place,
                                       f::departement, f::commune, f::country};
    for (std::string_view l : locked)
        if (name == l) return true;
    return false;
}

http::Params with_locked_pivot(const http::Params& form, const PersonRecord& p) {
    namespace f = civil_field;
    http::Params out;
    for (const auto& [name, value] : form)
        if (!is_locked_field(name)) out.emplace_back(name, value);
    out.emplace_back(f::civility, p.civilite == "Monsieur" ? "monsieur" : "madame");
    out.emplace_back(f::birth_name, p.birth_name);
    out.emplace_back(f::first_names, p.first_names);
    out.emplace_back(f::birth_date, typed_date(p.birth_date));
    if (p.born_abroad()) {
        out.emplace_back(f::birth_place, "etranger");
        out.emplace_back(f::country, p.birth_country);
    } else {
        out.emplace_back(f::birth_place, "france");
        out.emplace_back(f::departement, departement_of(p.birth_place));
        out.emplace_back(f::commune, p.birth_place);
    }
    return out;
}

nlohmann::json locked_pivot_lines(const PersonRecord& p) {
    nlohmann::json lines = nlohmann::json::array();
    auto line = [&](std::string label, std::string value) {
        lines.push_back({{"label", std::move(label)}, {"value", std::move(value)}});
    };
    line("Civilité", p.civilite == "Monsieur" ? "Monsieur" : "Madame");
    line("Nom de naissance", upper(p.birth_name));
    line("Prénom(s)", p.first_names);
    line("Date de naissance", typed_date(p.birth_date));
    if (p.born_abroad()) {
        line("Lieu de naissance", "Étranger");
        line("Pays de naissance (code INSEE)", p.birth_country);
    } else {
        line("Lieu de naissance", "France");
        line("Commune de naissance (code INSEE)", p.birth_place);
    }
    return lines;
}

}  // namespace caf::account::creation
