// Back-office hook (SPEC.md §1, §6 FAQ): the CAF attaches the NIR it obtained to an account that
// still logs in with its provisional identifier. From then on the person logs in with the NIR
// (after "mot de passe oublié" if needed); the provisional identifier stays on the account.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/personal_data_protector.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "storage/database.hpp"

namespace caf::account::backoffice {

enum class AttachNirError {
    invalid_nir,             // not a NIR (structure or key)
    invalid_provisional_id,  // not "P" + 8 digits
    unknown_account,         // no account with that provisional identifier
    already_has_nir,         // the account already has a NIR
    nir_taken,               // another account has that NIR
};

// The operator's message, in English like the rest of the CLI's errors, without personal data.
std::string message(AttachNirError error);

struct NirAttached {
    std::int64_t account_id = 0;
};

// Seals the NIR and stores its lookup on the account, audited (actor `operator`, "nir.attached"),
// in one transaction. The NIR is taken as the login takes it (13 characters, key optional).
// `via` says where the operator acted: "cli" (cafconnect accounts attach-nir) or "admin_api".
expected<NirAttached, AttachNirError> attach_nir(storage::Database& db, const PersonalDataProtector& protector,
                                                 std::string_view provisional_id, std::string_view nir,
                                                 std::string_view operator_name, TimePoint now,
                                                 std::string_view via = "cli");

}  // namespace caf::account::backoffice
