// "Se souvenir de moi" (SPEC.md §1): the identifier, never the password, kept on this device in a
// long-lived `__Host-` cookie so the login form is prefilled next time. The value is sealed with
// the personal-data protector's browser key (not the key of the NIR at rest, so a sealed NIR of
// the store is no cookie): the NIR never sits in clear in the browser's cookie store.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "account/identifiers/login_identifier.hpp"
#include "core/personal_data_protector.hpp"
#include "core/http.hpp"

namespace caf::account {

inline constexpr std::string_view remembered_identifier_cookie_name = "__Host-caf_identifiant";
// About 13 months, the longest the CNIL allows for a cookie.
inline constexpr std::chrono::seconds remembered_identifier_max_age{std::chrono::days{395}};

// The Set-Cookie value that remembers `identifier`, and the one that forgets it.
std::string remember_identifier_cookie(const PersonalDataProtector& protector, const LoginIdentifier& identifier);
std::string forget_identifier_cookie();

// The identifier remembered by the browser; nullopt when absent, tampered with, or sealed under
// another key.
std::optional<LoginIdentifier> remembered_identifier(const PersonalDataProtector& protector,
                                                     const http::Request& request);

}  // namespace caf::account
