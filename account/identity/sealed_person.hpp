// The état civil sealed in an account row, opened, and the name a page shows of it.
#pragma once

#include <optional>
#include <string>

#include "account/identity/person_record.hpp"
#include "core/personal_data_protector.hpp"
#include "storage/accounts.hpp"

namespace caf::account {

// Nullopt when the account has no état civil or it cannot be opened or read.
std::optional<PersonRecord> open_person(const PersonalDataProtector& protector, const storage::Account& account);

// "Florence DUCHAIS": first names, then the usage name or else the birth name.
std::string display_name(const PersonRecord& person);

}  // namespace caf::account
