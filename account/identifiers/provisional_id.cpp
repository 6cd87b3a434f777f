// Parsing and generation of provisional identifiers.
#include "account/identifiers/provisional_id.hpp"

#include <utility>

namespace caf::account {
namespace {

constexpr std::size_t digit_count = 8;

}  // namespace

std::string_view message(ProvisionalIdError error) noexcept {
    switch (error) {
        case ProvisionalIdError::empty:
            return "Veuillez saisir votre identifiant provisoire.";
        case ProvisionalIdError::wrong_format:
            return "L'identifiant provisoire commence par la lettre P suivie de 8 chiffres "
                   "(exemple : P33392250).";
    }
    return "L'identifiant provisoire n'est pas valide.";
}

expected<ProvisionalId, ProvisionalIdError> ProvisionalId::parse(std::string_view typed) {
    std::string s;
    s.reserve(digit_count + 1);
    for (char c : typed) {
        if (c == ' ' || c == '\t') continue;
        if (s.size() > digit_count + 1) break;  // already too long; keep it bounded
        s.push_back(c);
    }
    if (s.empty()) return unexpected{ProvisionalIdError::empty};
    if (s.size() != digit_count + 1 || (s[0] != 'P' && s[0] != 'p')) {
        return unexpected{ProvisionalIdError::wrong_format};
    }
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return unexpected{ProvisionalIdError::wrong_format};
    }
    s[0] = 'P';
    return ProvisionalId{std::move(s)};
}

ProvisionalId ProvisionalId::generate(Random& random) {
    std::string value{"P"};
    value += random_digits(random, digit_count);
    return ProvisionalId{std::move(value)};
}

}  // namespace caf::account
