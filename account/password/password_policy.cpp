// The checks behind the password checklist.
#include "account/password/password_policy.hpp"

namespace caf::account {
namespace {

// Characters, not bytes: "é" is one character to the person typing it, and the length item
// must not fail because an accent took two bytes (the charset item reports the accent).
std::size_t utf8_length(std::string_view text) noexcept {
    std::size_t count = 0;
    for (unsigned char c : text) {
        if ((c & 0xC0) != 0x80) ++count;
    }
    return count;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

}  // namespace

std::string_view label(PasswordRule rule) noexcept {
    switch (rule) {
        case PasswordRule::length:
            return "10 à 64 caractères";
        case PasswordRule::digit:
            return "1 chiffre";
        case PasswordRule::lower_case:
            return "1 lettre minuscule";
        case PasswordRule::upper_case:
            return "1 lettre majuscule";
        case PasswordRule::letters_and_digits_only:
            return "chiffres et lettres uniquement";
    }
    return "";
}

std::string_view message(PasswordRule rule) noexcept {
    switch (rule) {
        case PasswordRule::length:
            return "Le mot de passe doit comporter entre 10 et 64 caractères.";
        case PasswordRule::digit:
            return "Le mot de passe doit contenir au moins 1 chiffre.";
        case PasswordRule::lower_case:
            return "Le mot de passe doit contenir au moins 1 lettre minuscule.";
        case PasswordRule::upper_case:
            return "Le mot de passe doit contenir au moins 1 lettre majuscule.";
        case PasswordRule::letters_and_digits_only:
            return "Le mot de passe ne doit contenir que des chiffres et des lettres non "
                   "accentuées : ni espace, ni accent, ni caractère spécial.";
    }
    return "Le mot de passe n'est pas valide.";
}

std::vector<PasswordRule> check_new_password(std::string_view password) {
    bool digit = false, lower = false, upper = false, other = false;
    for (char c : password) {
        if (is_digit(c)) {
            digit = true;
        } else if (is_lower(c)) {
            lower = true;
        } else if (is_upper(c)) {
            upper = true;
        } else {
            other = true;
        }
    }
    const std::size_t length = utf8_length(password);

    std::vector<PasswordRule> failing;
    if (length < password_min_length || length > password_max_length) {
        failing.push_back(PasswordRule::length);
    }
    if (!digit) failing.push_back(PasswordRule::digit);
    if (!lower) failing.push_back(PasswordRule::lower_case);
    if (!upper) failing.push_back(PasswordRule::upper_case);
    if (other) failing.push_back(PasswordRule::letters_and_digits_only);
    return failing;
}

std::optional<std::string_view> check_confirmation(std::string_view password,
                                                   std::string_view confirmation) {
    if (password == confirmation) return std::nullopt;
    return "Les deux mots de passe saisis ne sont pas identiques. Veuillez saisir le même mot de "
           "passe dans les deux champs.";
}

std::vector<std::string> new_password_errors(std::string_view password, std::string_view confirmation) {
    std::vector<std::string> errors;
    for (auto rule : check_new_password(password)) errors.emplace_back(message(rule));
    if (errors.empty())
        if (auto mismatch = check_confirmation(password, confirmation)) errors.emplace_back(*mismatch);
    return errors;
}

bool acceptable_for_login(std::string_view password) noexcept {
    return password.size() <= login_password_max_bytes &&
           utf8_length(password) >= login_password_min_length;
}

}  // namespace caf::account
