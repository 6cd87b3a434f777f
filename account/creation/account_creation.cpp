// Storing a created account: the import's row builder, a provisional identifier when there is no
// NIR, the conflict of a NIR taken meanwhile turned into an outcome.
#include "account/creation/account_creation.hpp"

#include "account/identifiers/provisional_id.hpp"
#include "account/import/account_import.hpp"
#include "account/verification/code_delivery.hpp"
#include "notify/notification.hpp"
#include "notify/notifier.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/error.hpp"
#include "storage/notifications.hpp"

namespace caf::account::creation {

bool nir_has_account(storage::Database& db, const PersonalDataProtector& protector, const std::string& nir) {
    return storage::Accounts(db).find_by_nir_lookup(protector.lookup(PersonalDataKind::nir, nir)).has_value();
}

CreationOutcome create_account(storage::Database& db, const PersonalDataProtector& protector, Random& random,
                               const AccountToCreate& a, TimePoint now,
                               const std::function<void(storage::Connection&, const Created&)>& also) {
    const auto now_s = to_unix_seconds(now);
    const auto& civil = a.civil_status;
    storage::Accounts accounts(db);
    storage::Notifications queue(db);
    notify::Notifier notifier(queue, protector);

    ImportRecord record;
    record.nir = civil.nir;
    record.cgu_version = a.cgu_version;
    record.person = civil.person();
    if (a.channel == CodeChannel::email) {
        record.email = a.contact;
        record.email_verified = true;
    } else {
        record.phone = a.contact;
        record.phone_verified = true;
    }
    record.documents_required = a.documents_required;

    // A provisional identifier is random: a collision with an existing one is retried with a new
    // one; a NIR conflict is final.
    for (int attempt = 0;; ++attempt) {
        if (!civil.nir) record.provisional_id = ProvisionalId::generate(random).str();
        auto row = new_account_of(record, protector, a.password_hash, now_s);
        // The stored état civil also keeps what the pivot does not: town abroad, parents, document.
        auto sealed = to_json(civil);
        sealed["identity_document"] = a.identity_document;
        row.civil_status_sealed = protector.seal(PersonalDataKind::civil_status, sealed.dump());
        try {
            return db.transaction([&](storage::Connection& c) -> CreationOutcome {
                if (record.provisional_id && accounts.find_by_provisional_id(c, *record.provisional_id))
                    throw storage::StoreError(storage::ErrorKind::conflict, "provisional id taken");
                Created created;
                created.account_id = accounts.create(c, row, now_s);
                created.identifier = civil.nir ? *civil.nir : *record.provisional_id;
                created.provisional = !civil.nir;

                storage::NewAuditEntry entry;
                entry.at = now_s;
                entry.actor_type = "account";
                entry.actor_id = std::to_string(created.account_id);
                entry.action = "account.created";
                entry.account_id = created.account_id;
                entry.details = {{"identifier", created.provisional ? "provisional" : "nir"},
                                 {"contact", to_string(a.channel)},
                                 {"documents_required", a.documents_required}};
                storage::AuditLog(db).append(c, entry);

                const auto provisional = created.provisional ? std::optional(created.identifier) : std::nullopt;
                notifier.enqueue(c,
                                 notify::account_created_message(notification_channel(a.channel), a.contact, provisional,
                                                                 created.account_id),
                                 now);
                if (also) also(c, created);
                return created;
            });
        } catch (const storage::StoreError& e) {
            if (e.kind() != storage::ErrorKind::conflict) throw;
            if (civil.nir) return NirAlreadyHasAccount{};
            if (attempt >= 4) throw;
        }
    }
}

}  // namespace caf::account::creation
