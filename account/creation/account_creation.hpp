// The account a finished wizard makes (SPEC.md §4): stored in one transaction with its sealed
// état civil and pivot lookup, the verified contact, the documents_required flag, the audit
// entry and the confirmation message. Two creations of one NIR at once make exactly one account.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "account/creation/civil_status_form.hpp"
#include "core/personal_data_protector.hpp"
#include "account/verification/verification_code_service.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "storage/database.hpp"

namespace caf::account::creation {

struct AccountToCreate {
    CivilStatusEntry civil_status;
    nlohmann::json identity_document;  // as in the draft; sealed with the état civil
    bool documents_required = false;
    CodeChannel channel = CodeChannel::sms;
    std::string contact;        // verified by the code of step 2
    std::string password_hash;  // Argon2id PHC string
    std::optional<std::string> cgu_version;
};

struct Created {
    std::int64_t account_id = 0;
    std::string identifier;  // canonical NIR, or "P33392250"
    bool provisional = false;
};
// The NIR got an account since step 1 (another tab, another person): nothing was stored.
struct NirAlreadyHasAccount {};
using CreationOutcome = std::variant<Created, NirAlreadyHasAccount>;

// `also` runs in the same transaction (the draft updated); it may run more than once.
CreationOutcome create_account(storage::Database& db, const PersonalDataProtector& protector, Random& random,
                               const AccountToCreate& account, TimePoint now,
                               const std::function<void(storage::Connection&, const Created&)>& also = {});

// Whether a NIR (canonical) already has an account.
bool nir_has_account(storage::Database& db, const PersonalDataProtector& protector, const std::string& nir);

}  // namespace caf::account::creation
