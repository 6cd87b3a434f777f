// Step 2 of "Créer Mon Compte" (SPEC.md §4): the contact typed twice, a mobile phone (10 digits,
// 06 or 07) or an e-mail address, checked before a code is sent to it.
#pragma once

#include <string>

#include "account/creation/civil_status_form.hpp"
#include "account/verification/verification_code_service.hpp"
#include "core/expected.hpp"
#include "core/http.hpp"

namespace caf::account::creation {

namespace contact_field {
inline constexpr const char* channel = "canal";  // "sms" / "email"
inline constexpr const char* phone = "telephone";
inline constexpr const char* phone_confirmation = "telephone_confirmation";
inline constexpr const char* email = "email";
inline constexpr const char* email_confirmation = "email_confirmation";
}  // namespace contact_field

struct ContactEntry {
    CodeChannel channel = CodeChannel::sms;
    std::string value;  // "0612345678" (spaces, dots removed) or the address, trimmed
};

// "06 12 34 56 78", "06.12.34.56.78" → "0612345678" (the admin API's contact update too).
std::string phone_digits(std::string_view typed);
bool is_mobile_number(std::string_view normalised);
bool looks_like_email_address(std::string_view email);

expected<ContactEntry, FieldErrors> check_contact_form(const http::Params& form);

}  // namespace caf::account::creation
