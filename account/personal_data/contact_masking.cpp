// Masking of e-mail addresses and phone numbers for display.
#include "account/personal_data/contact_masking.hpp"

namespace caf::account {
namespace {

// The first character of a UTF-8 string, whole even when it takes several bytes.
std::string_view first_character(std::string_view text) {
    std::size_t n = 1;
    while (n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) ++n;
    return text.substr(0, n);
}

}  // namespace

std::string mask_email(std::string_view email) {
    const auto at = email.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= email.size()) return "***";
    const std::string_view local = email.substr(0, at);
    const std::string_view domain = email.substr(at + 1);
    const auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return "***";

    std::string out{first_character(local)};
    out += "***@";
    out += first_character(domain);
    out += "***";
    out += domain.substr(dot);  // the top-level domain stays: ".fr"
    return out;
}

std::string mask_phone(std::string_view phone) {
    std::string digits;
    for (char c : phone) {
        if (c >= '0' && c <= '9') digits.push_back(c);
        if (digits.size() > 20) break;
    }
    // International forms of a French number: +33 6..., 0033 6...
    if (digits.size() == 11 && digits.starts_with("33")) digits.replace(0, 2, "0");
    if (digits.size() == 13 && digits.starts_with("0033")) digits.replace(0, 4, "0");

    if (digits.size() == 10) {
        return digits.substr(0, 2) + " ** ** ** " + digits.substr(8, 2);
    }
    if (digits.size() < 4) return "**";
    std::string out{"** "};
    out.append(digits, digits.size() - 2, 2);
    return out;
}

}  // namespace caf::account
