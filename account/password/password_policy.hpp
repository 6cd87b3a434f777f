// The password rule of SPEC.md §2: what a new password must satisfy, item by item as the form's
// live checklist shows it, and what the login form accepts to check at all.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caf::account {

// The checklist items, in the order the form lists them.
enum class PasswordRule { length, digit, lower_case, upper_case, letters_and_digits_only };

inline constexpr std::size_t password_min_length = 10;
inline constexpr std::size_t password_max_length = 64;

// The checklist label: "10 à 64 caractères", "1 chiffre", "1 lettre minuscule",
// "1 lettre majuscule", "chiffres et lettres uniquement".
std::string_view label(PasswordRule rule) noexcept;
// The sentence the server shows when that item fails.
std::string_view message(PasswordRule rule) noexcept;

// Every failing item, in checklist order; empty when the password is acceptable. Used for
// every new password: creation, change, recovery, migration.
std::vector<PasswordRule> check_new_password(std::string_view password);

// The message when the confirmation differs from the password, or nothing.
std::optional<std::string_view> check_confirmation(std::string_view password,
                                                   std::string_view confirmation);

// What a new password typed twice gets: the sentence of every failing item, or else the
// confirmation's mismatch, or nothing when it is acceptable.
std::vector<std::string> new_password_errors(std::string_view password, std::string_view confirmation);

// Whether a typed password is worth hashing at login. Accounts still hold passwords of the
// older 8–24 rule and legacy 8-digit ones, so only the length is bounded: at least 8 characters,
// at most login_password_max_bytes bytes (nobody makes the server hash a megabyte).
inline constexpr std::size_t login_password_min_length = 8;
inline constexpr std::size_t login_password_max_bytes = 256;
bool acceptable_for_login(std::string_view password) noexcept;

}  // namespace caf::account
