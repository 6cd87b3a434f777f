// "Identifiant provisoire oublié ?" (SPEC.md §6) without HTTP: the état civil and a contact the
// person gives are compared with the provisional accounts (those still without a NIR); when all
// of it matches one account, its identifier is queued to that contact. The caller shows the same
// answer either way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/personal_data_protector.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "storage/database.hpp"

namespace caf::account::recovery {

struct ProvisionalIdForm {
    std::string birth_name;   // nom de naissance
    std::string first_name;   // prénom (the first of the prénoms is enough)
    std::string birth_date;   // YYYY-MM-DD (or JJ/MM/AAAA, turned into it by read_birth_date)
    std::string contact;      // an e-mail address or a mobile number
};

// "15/06/1963" or "1963-06-15" → "1963-06-15"; nullopt when it is not a real date.
std::optional<std::string> read_birth_date(std::string_view typed);

// French messages per field for what cannot be checked at all (empty, malformed); the same form
// of message whether or not anything matches.
struct ProvisionalIdFormErrors {
    std::optional<std::string> birth_name, first_name, birth_date, contact;
    bool any() const { return birth_name || first_name || birth_date || contact; }
};
ProvisionalIdFormErrors check_form(const ProvisionalIdForm& form);

// The same contact written two ways compares equal: e-mails lower-cased and trimmed, phone
// numbers as 10 digits ("+33 6 12 34 56 78" → "0612345678"). Empty when it is neither.
std::string canonical_contact(std::string_view contact);

struct ProvisionalIdSent {
    bool sent = false;  // for the audit and tests only
    std::optional<std::int64_t> account_id;
};

// Finds the provisional accounts by their recovery lookup (account::provisional_recovery_key,
// filled in first for rows that lack it), compares their état civil and contact with the form
// (the same work whatever matches) and, on exactly one match, queues provisional_id_message to
// the contact and audits it, in one transaction.
ProvisionalIdSent send_forgotten_provisional_id(storage::Database& db, const PersonalDataProtector& protector,
                                                const ProvisionalIdForm& form, TimePoint now);

}  // namespace caf::account::recovery
