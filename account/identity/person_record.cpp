// Person record serialisation, name normalisation and the pivot key.
#include "account/identity/person_record.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

namespace caf::account {
namespace {

// Two-byte UTF-8 sequences of Latin-1 Supplement and Latin Extended-A letters, folded to ASCII.
// Names on French civil status use these; anything else is kept as is.
std::string_view fold_latin(unsigned code_point) {
    switch (code_point) {
        case 0xC0: case 0xC1: case 0xC2: case 0xC3: case 0xC4: case 0xC5:
        case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE4: case 0xE5: return "A";
        case 0xC6: case 0xE6: return "AE";
        case 0xC7: case 0xE7: return "C";
        case 0xC8: case 0xC9: case 0xCA: case 0xCB: case 0xE8: case 0xE9: case 0xEA: case 0xEB: return "E";
        case 0xCC: case 0xCD: case 0xCE: case 0xCF: case 0xEC: case 0xED: case 0xEE: case 0xEF: return "I";
        case 0xD1: case 0xF1: return "N";
        case 0xD2: case 0xD3: case 0xD4: case 0xD5: case 0xD6: case 0xD8:
        case 0xF2: case 0xF3: case 0xF4: case 0xF5: case 0xF6: case 0xF8: return "O";
        case 0xD9: case 0xDA: case 0xDB: case 0xDC: case 0xF9: case 0xFA: case 0xFB: case 0xFC: return "U";
        case 0xDD: case 0xFD: case 0xFF: case 0x178: return "Y";
        case 0xDF: return "SS";
        case 0x152: case 0x153: return "OE";
        default: return {};
    }
}

}  // namespace

nlohmann::json to_json(const PersonRecord& p) {
    return nlohmann::json{{"civilite", p.civilite},       {"birth_name", p.birth_name},
                          {"first_names", p.first_names}, {"usage_name", p.usage_name},
                          {"birth_date", p.birth_date},   {"birth_place", p.birth_place},
                          {"birth_country", p.birth_country}};
}

expected<PersonRecord, std::string> person_from_json(const nlohmann::json& json) {
    if (!json.is_object()) return unexpected{std::string("expected an object")};
    PersonRecord p;
    auto text = [&](const char* key, std::string& out, bool required) -> std::optional<std::string> {
        auto it = json.find(key);
        if (it == json.end() || it->is_null()) {
            if (required) return std::string(key) + " is required";
            return std::nullopt;
        }
        if (!it->is_string()) return std::string(key) + " must be a string";
        out = it->get<std::string>();
        if (required && out.empty()) return std::string(key) + " is required";
        return std::nullopt;
    };
    for (auto [key, out, required] : {std::tuple{"civilite", &p.civilite, true},
                                      {"birth_name", &p.birth_name, true},
                                      {"first_names", &p.first_names, true},
                                      {"usage_name", &p.usage_name, false},
                                      {"birth_date", &p.birth_date, true},
                                      {"birth_place", &p.birth_place, false},
                                      {"birth_country", &p.birth_country, false}}) {
        if (auto error = text(key, *out, required)) return unexpected{*error};
    }
    if (p.civilite != "Madame" && p.civilite != "Monsieur")
        return unexpected{std::string("civilite must be \"Madame\" or \"Monsieur\"")};
    if (!is_iso_date(p.birth_date)) return unexpected{std::string("birth_date must be YYYY-MM-DD")};
    if (p.birth_country.empty()) p.birth_country = "99100";
    if (p.birth_country.size() != 5 || !p.birth_country.starts_with("99") ||
        p.birth_country.find_first_not_of("0123456789") != std::string::npos)
        return unexpected{std::string("birth_country must be an INSEE country code 99XXX")};
    if (!p.born_abroad()) {
        bool commune = p.birth_place.size() == 5 &&
                       (p.birth_place.starts_with("2A") || p.birth_place.starts_with("2B") ||
                        p.birth_place.find_first_not_of("0123456789") == std::string::npos);
        if (!commune) return unexpected{std::string("birth_place must be an INSEE commune code when born in France")};
    }
    return p;
}

std::string normalise_name(std::string_view name) {
    std::string out;
    bool pending_space = false;
    auto push = [&](std::string_view letters) {
        if (pending_space && !out.empty()) out += ' ';
        pending_space = false;
        out += letters;
    };
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto c = static_cast<unsigned char>(name[i]);
        if (c == ' ' || c == '-' || c == '\'' || c == '\t') {
            pending_space = true;
        } else if (c < 0x80) {
            char upper = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
            push(std::string_view(&upper, 1));
        } else if ((c & 0xE0) == 0xC0 && i + 1 < name.size()) {
            unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3Fu);
            // The typographic apostrophe (U+2019) is three bytes: handled below.
            auto folded = fold_latin(cp);
            push(folded.empty() ? name.substr(i, 2) : folded);
            ++i;
        } else if (c == 0xE2 && i + 2 < name.size() && static_cast<unsigned char>(name[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(name[i + 2]) == 0x99 || static_cast<unsigned char>(name[i + 2]) == 0x90 ||
                    static_cast<unsigned char>(name[i + 2]) == 0x91)) {
            pending_space = true;  // ’ ‐ ‑
            i += 2;
        } else {
            push(name.substr(i, 1));
        }
    }
    return out;
}

std::string pivot_key(const PersonRecord& p) {
    std::string sex = p.civilite == "Monsieur" ? "male" : "female";
    return normalise_name(p.birth_name) + "|" + normalise_name(p.first_names) + "|" + p.birth_date + "|" + sex + "|" +
           (p.born_abroad() ? std::string() : p.birth_place) + "|" + p.birth_country;
}

std::string provisional_recovery_key(const PersonRecord& p) {
    // Lower case and "-": no pivot key (upper-case names first) can be this text.
    const auto first_names = normalise_name(p.first_names);
    return "provisional-recovery|" + normalise_name(p.birth_name) + "|" + first_names.substr(0, first_names.find(' ')) +
           "|" + p.birth_date;
}

bool is_iso_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (text[i] < '0' || text[i] > '9') return false;
    auto number = [&](std::size_t at, std::size_t len) {
        int v = 0;
        for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (text[i] - '0');
        return v;
    };
    std::chrono::year_month_day date{std::chrono::year(number(0, 4)), std::chrono::month(unsigned(number(5, 2))),
                                     std::chrono::day(unsigned(number(8, 2)))};
    return date.ok();
}

}  // namespace caf::account
