// Attaching a NIR to a provisional account, as the back office does.
#include "account/backoffice/attach_nir.hpp"

#include "account/identifiers/nir.hpp"
#include "account/identifiers/provisional_id.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/error.hpp"

namespace caf::account::backoffice {

std::string message(AttachNirError error) {
    switch (error) {
        case AttachNirError::invalid_nir: return "the NIR is not valid (13 characters, key optional)";
        case AttachNirError::invalid_provisional_id: return "the provisional identifier must be P followed by 8 digits";
        case AttachNirError::unknown_account: return "no account has this provisional identifier";
        case AttachNirError::already_has_nir: return "this account already has a NIR";
        case AttachNirError::nir_taken: return "this NIR already belongs to another account";
    }
    return "unknown error";
}

expected<NirAttached, AttachNirError> attach_nir(storage::Database& db, const PersonalDataProtector& protector,
                                                 std::string_view provisional_id, std::string_view nir_text,
                                                 std::string_view operator_name, TimePoint now,
                                                 std::string_view via) {
    auto id = ProvisionalId::parse(provisional_id);
    if (!id) return unexpected(AttachNirError::invalid_provisional_id);
    auto nir = Nir::parse(nir_text);
    if (!nir) return unexpected(AttachNirError::invalid_nir);
    const auto lookup = protector.lookup(PersonalDataKind::nir, nir->canonical());
    const auto sealed = protector.seal(PersonalDataKind::nir, nir->canonical());
    const auto now_s = to_unix_seconds(now);
    try {
        return db.transaction([&](storage::Connection& c) -> expected<NirAttached, AttachNirError> {
            storage::Accounts accounts(db);
            auto account = accounts.find_by_provisional_id(c, id->str());
            if (!account) return unexpected(AttachNirError::unknown_account);
            if (account->nir_lookup) return unexpected(AttachNirError::already_has_nir);
            if (accounts.find_by_nir_lookup(c, lookup)) return unexpected(AttachNirError::nir_taken);
            accounts.attach_nir(c, account->id, lookup, sealed, now_s);
            storage::NewAuditEntry entry;
            entry.at = now_s;
            entry.actor_type = "admin";
            entry.actor_id = std::string(operator_name);
            entry.action = "nir.attached";
            entry.account_id = account->id;
            entry.details = {{"via", via}};
            storage::AuditLog(db).append(c, entry);
            return NirAttached{account->id};
        });
    } catch (const storage::StoreError& e) {
        // Another attachment of the same NIR won the race: the unique index said no.
        if (e.kind() == storage::ErrorKind::conflict) return unexpected(AttachNirError::nir_taken);
        throw;
    }
}

}  // namespace caf::account::backoffice
