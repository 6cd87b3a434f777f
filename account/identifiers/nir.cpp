// Parsing and display of the NIR: structure, key and the Corsican and overseas exceptions.
#include "account/identifiers/nir.hpp"

#include <cstdint>
#include <utility>

namespace caf::account {
namespace {

constexpr std::size_t nir_length = 13;
constexpr std::size_t nir_with_key_length = 15;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int two_digits(std::string_view s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

bool is_corsica(std::string_view departement) {
    return departement == "2A" || departement == "2B";
}

// Overseas (97x DOM, 98x COM) take three characters for the département and leave two for the
// commune; everywhere else the split is 2 + 3.
bool is_overseas(std::string_view canonical) {
    return canonical.substr(5, 2) == "97" || canonical.substr(5, 2) == "98";
}

bool month_code_valid(int month) {
    // 20, 30–42 and 50–99 are the codes INSEE gives when the birth month is unknown or the
    // number is fictitious; 13–19, 21–29 and 43–49 are never issued.
    return (month >= 1 && month <= 12) || month == 20 || (month >= 30 && month <= 42) ||
           (month >= 50 && month <= 99);
}

// Spaces are the only separator accepted: the display form and what people copy from the card.
std::string strip_spaces(std::string_view typed) {
    std::string out;
    out.reserve(nir_with_key_length);
    for (char c : typed) {
        if (c == ' ' || c == '\t') continue;
        if (out.size() > nir_with_key_length) break;  // too long either way; keep it bounded
        out.push_back(c);
    }
    return out;
}

}  // namespace

std::string_view message(NirError error) noexcept {
    switch (error) {
        case NirError::empty:
            return "Veuillez saisir votre numéro de Sécurité sociale.";
        case NirError::wrong_length:
            return "Le numéro de Sécurité sociale doit comporter 13 caractères (15 avec la clé).";
        case NirError::invalid_character:
            return "Le numéro de Sécurité sociale ne doit contenir que des chiffres, ainsi que 2A "
                   "ou 2B pour une naissance en Corse.";
        case NirError::invalid_sex:
            return "Le numéro de Sécurité sociale doit commencer par 1 ou 2 (7 ou 8 pour un "
                   "numéro d'attente).";
        case NirError::invalid_month:
            return "Le mois de naissance indiqué dans le numéro de Sécurité sociale (4e et 5e "
                   "chiffres) n'est pas valide.";
        case NirError::invalid_departement:
            return "Le département de naissance indiqué dans le numéro de Sécurité sociale (6e et "
                   "7e caractères) n'est pas valide.";
        case NirError::invalid_commune:
            return "Le code de la commune ou du pays de naissance indiqué dans le numéro de "
                   "Sécurité sociale n'est pas valide.";
        case NirError::invalid_order:
            return "Le numéro d'ordre (11e au 13e chiffre) du numéro de Sécurité sociale n'est "
                   "pas valide.";
        case NirError::key_mismatch:
            return "La clé ne correspond pas au numéro de Sécurité sociale saisi. Vérifiez le "
                   "numéro et les 2 chiffres de la clé.";
    }
    return "Le numéro de Sécurité sociale n'est pas valide.";
}

int nir_key(std::string_view canonical) {
    std::uint64_t number = 0;
    for (std::size_t i = 0; i < nir_length; ++i) {
        if (i == 5 && is_corsica(canonical.substr(5, 2))) {
            number = number * 100 + (canonical[6] == 'A' ? 19 : 18);
            ++i;
            continue;
        }
        number = number * 10 + static_cast<std::uint64_t>(canonical[i] - '0');
    }
    return static_cast<int>(97 - number % 97);
}

expected<Nir, NirError> Nir::parse(std::string_view typed) {
    std::string s = strip_spaces(typed);
    if (s.empty()) return unexpected{NirError::empty};
    if (s.size() != nir_length && s.size() != nir_with_key_length) {
        return unexpected{NirError::wrong_length};
    }
    if (s[6] == 'a' || s[6] == 'b') s[6] = static_cast<char>(s[6] - 'a' + 'A');
    std::string_view v = s;
    bool corsica = is_corsica(v.substr(5, 2));
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (corsica && i == 6) continue;
        if (!is_digit(s[i])) return unexpected{NirError::invalid_character};
    }

    const char sex = s[0];
    if (sex != '1' && sex != '2' && sex != '7' && sex != '8') {
        return unexpected{NirError::invalid_sex};
    }
    if (!month_code_valid(two_digits(v.substr(3, 2)))) return unexpected{NirError::invalid_month};

    if (!corsica) {
        const int dep = two_digits(v.substr(5, 2));
        const bool valid = (dep >= 1 && dep <= 95) || dep == 97 || dep == 98 || dep == 99;
        if (!valid) return unexpected{NirError::invalid_departement};
    }
    // Commune codes and INSEE country codes start at 001 (overseas communes at 01).
    const std::string_view commune = is_overseas(v) ? v.substr(8, 2) : v.substr(7, 3);
    if (commune.find_first_not_of('0') == std::string_view::npos) {
        return unexpected{NirError::invalid_commune};
    }
    if (v.substr(10, 3) == "000") return unexpected{NirError::invalid_order};

    std::string canonical = s.substr(0, nir_length);
    const int key = nir_key(canonical);
    if (s.size() == nir_with_key_length && two_digits(v.substr(13, 2)) != key) {
        return unexpected{NirError::key_mismatch};
    }
    return Nir{std::move(canonical), key};
}

std::string Nir::display() const {
    const std::string_view c = canonical_;
    std::string out;
    out.reserve(18);
    out.append(c.substr(0, 1)).append(" ");
    out.append(c.substr(1, 2)).append(" ");
    out.append(c.substr(3, 2)).append(" ");
    out.append(c.substr(5, 2)).append(" ");
    out.append(c.substr(7, 3)).append(" ");
    out.append(c.substr(10, 3));
    return out;
}

std::string Nir::display_with_key() const {
    std::string out = display();
    out.push_back(' ');
    out.push_back(static_cast<char>('0' + key_ / 10));
    out.push_back(static_cast<char>('0' + key_ % 10));
    return out;
}

Sex Nir::sex() const noexcept {
    return (canonical_[0] == '1' || canonical_[0] == '7') ? Sex::male : Sex::female;
}

bool Nir::is_nia() const noexcept { return canonical_[0] == '7' || canonical_[0] == '8'; }

int Nir::birth_year() const noexcept { return two_digits(std::string_view{canonical_}.substr(1, 2)); }

int Nir::birth_month_code() const noexcept {
    return two_digits(std::string_view{canonical_}.substr(3, 2));
}

bool Nir::birth_month_known() const noexcept {
    const int month = birth_month_code();
    return month >= 1 && month <= 12;
}

std::string_view Nir::departement() const noexcept {
    return std::string_view{canonical_}.substr(5, is_overseas(canonical_) ? 3 : 2);
}

std::string_view Nir::commune_or_country() const noexcept {
    return is_overseas(canonical_) ? std::string_view{canonical_}.substr(8, 2)
                                   : std::string_view{canonical_}.substr(7, 3);
}

bool Nir::born_abroad() const noexcept { return std::string_view{canonical_}.substr(5, 2) == "99"; }

}  // namespace caf::account
