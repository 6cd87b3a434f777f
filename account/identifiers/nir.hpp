// The NIR (numéro de Sécurité sociale) as a person types it on the login and creation forms:
// parsed into a checked value, shown back in the Carte Vitale grouping.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/expected.hpp"

namespace caf::account {

// One value per rule, so the form can say exactly what is wrong without echoing the input.
enum class NirError {
    empty = 1,
    wrong_length,
    invalid_character,
    invalid_sex,
    invalid_month,
    invalid_departement,
    invalid_commune,
    invalid_order,
    key_mismatch,
};

// The French message shown on the NIR field.
std::string_view message(NirError error) noexcept;

enum class Sex { male, female };

class Nir {
public:
    // Accepts 13 characters, or 15 with the key (which must then match); spaces anywhere, so
    // the display form "1 63 06 31 555 082" and "1 63 06 31 555 082 51" both parse; "2a"/"2b"
    // are taken as "2A"/"2B".
    static expected<Nir, NirError> parse(std::string_view typed);

    // 13 characters without spaces or key, "2A"/"2B" upper-case: the form every store and
    // lookup uses.
    const std::string& canonical() const noexcept { return canonical_; }
    // "1 63 06 31 555 082": the grouping printed on the Carte Vitale, without the key.
    std::string display() const;
    // "1 63 06 31 555 082 51".
    std::string display_with_key() const;

    int key() const noexcept { return key_; }
    // 1/2 for a NIR, 7/8 for a temporary NIA.
    int sex_digit() const noexcept { return canonical_[0] - '0'; }
    Sex sex() const noexcept;
    bool is_nia() const noexcept;
    // Last two digits of the birth year.
    int birth_year() const noexcept;
    // The month code as written: 01–12, or 20, 30–42, 50–99 when the month is unknown.
    int birth_month_code() const noexcept;
    bool birth_month_known() const noexcept;
    // "31", "2A", "971" (overseas: 3 digits), "99" (born abroad).
    std::string_view departement() const noexcept;
    // Commune code within the département (3 digits, 2 overseas) or, when born abroad, the
    // 3-digit INSEE country code.
    std::string_view commune_or_country() const noexcept;
    bool born_abroad() const noexcept;
    std::string_view order() const noexcept { return std::string_view{canonical_}.substr(10, 3); }

    friend bool operator==(const Nir&, const Nir&) = default;

private:
    Nir(std::string canonical, int key) : canonical_(std::move(canonical)), key_(key) {}

    std::string canonical_;
    int key_ = 0;
};

// The control key of a well-formed 13-character canonical NIR: 97 − (number mod 97), where the
// Corsican départements count as 19 (2A) and 18 (2B), as the official rule says.
int nir_key(std::string_view canonical);

}  // namespace caf::account
