// Opening the sealed état civil of an account.
#include "account/identity/sealed_person.hpp"

#include <nlohmann/json.hpp>

namespace caf::account {

std::optional<PersonRecord> open_person(const PersonalDataProtector& protector, const storage::Account& account) {
    if (!account.civil_status_sealed) return std::nullopt;
    auto text = protector.open(PersonalDataKind::civil_status, *account.civil_status_sealed);
    if (!text) return std::nullopt;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    auto person = person_from_json(j);
    if (!person) return std::nullopt;
    return std::move(*person);
}

std::string display_name(const PersonRecord& person) {
    return person.first_names + " " + (person.usage_name.empty() ? person.birth_name : person.usage_name);
}

}  // namespace caf::account
