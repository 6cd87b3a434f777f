// Bulk import of accounts from JSON lines (`cafconnect import` and the admin API): test data
// and the migration of legacy accounts. Each line is validated alone; an account is either fully
// stored or not at all; importing the same file twice changes nothing (idempotent by identifier).
//
// One JSON object per line (README "Importing accounts"):
//   {"nir": "1630631555082",            // 13 characters (or 15 with the key), or:
//    "provisional_id": "P33392250",
//    "password": "Motdepasse2024",      // in clear: hashed with Argon2id at import, or:
//    "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$…",
//    "legacy_password": false,          // true: the old 8-digit password (first connection follows)
//    "password_changed_at": "2024-01-31",
//    "cgu_version": "2024-03",          // absent: the CGU must be accepted at first login
//    "civilite": "Monsieur", "birth_name": "…", "first_names": "…", "usage_name": "…",
//    "birth_date": "1963-06-15", "birth_place": "31555", "birth_country": "99100",
//    "email": "…", "email_verified": true, "phone": "0612345678", "phone_verified": true,
//    "postal_address": "…", "documents_required": false,
//    "dossier": {"numero": "7000001", "role": "allocataire",  // or conjoint, enfant, autre
//                "delegation": true}}   // allocataire only: set when the membership is first added
// The dossier is created when absent and the membership added; a line whose account already has
// that role there changes nothing, one that would break a membership rule (another allocataire,
// a second dossier as spouse, a different role) is reported and stores nothing.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "account/identity/person_record.hpp"
#include "account/password/password_hasher.hpp"
#include "core/personal_data_protector.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "storage/accounts.hpp"
#include "storage/database.hpp"
#include "storage/dossiers.hpp"

namespace caf::account {

// The dossier membership of a line.
struct ImportDossier {
    std::string numero;  // digits
    storage::MemberRole role = storage::MemberRole::autre;
    std::optional<bool> delegation;
};

// One validated line, personal data still in clear (it never leaves this process so).
struct ImportRecord {
    std::optional<std::string> nir;             // canonical 13 characters
    std::optional<std::string> provisional_id;  // P + 8 digits
    std::optional<std::string> password;
    std::optional<std::string> password_hash;
    bool legacy_password = false;
    std::optional<std::int64_t> password_changed_at;
    std::optional<std::string> cgu_version;
    std::optional<PersonRecord> person;
    std::optional<std::string> email;
    bool email_verified = false;
    std::optional<std::string> phone;
    bool phone_verified = false;
    std::optional<std::string> postal_address;
    bool documents_required = false;
    std::optional<ImportDossier> dossier;
};

// The row of `record`: identifiers and personal data sealed, lookups computed. `password_hash` is
// the record's password already hashed (or its given hash). Shared with account creation, so an
// imported account and a created one are stored the same way.
storage::NewAccount new_account_of(const ImportRecord& record, const PersonalDataProtector& protector,
                                   const std::optional<std::string>& password_hash, std::int64_t now);

// The reason never repeats the line's personal data, so it can go to logs and terminals.
expected<ImportRecord, std::string> parse_import_line(std::string_view line);

struct ImportFailure {
    std::size_t line = 0;
    std::string reason;
};

struct ImportReport {
    std::size_t created = 0;
    std::size_t unchanged = 0;  // an account with that identifier already exists
    std::size_t memberships_added = 0;  // dossier memberships added (to new or existing accounts)
    std::vector<ImportFailure> failures;
};

class AccountImporter {
public:
    AccountImporter(storage::Database& db, const PersonalDataProtector& protector, const PasswordHasher& hasher,
                    const Clock& clock)
        : db_(db), protector_(protector), hasher_(hasher), clock_(clock) {}

    // Reads every line; hashes clear passwords on `hashing_threads` threads; writes in batches,
    // one transaction each.
    ImportReport import(std::istream& lines, unsigned hashing_threads = 1, std::size_t batch_size = 500);

private:
    struct Pending {
        std::size_t line;
        ImportRecord record;
    };
    void import_batch(std::vector<Pending>& batch, unsigned hashing_threads, ImportReport& report);
    // The membership of `d` for `account_id`, the dossier created when absent; false when it was
    // already there. Throws on a broken membership rule (the line fails).
    bool add_membership(storage::Connection& c, const ImportDossier& d, std::int64_t account_id, std::int64_t now);

    storage::Database& db_;
    const PersonalDataProtector& protector_;
    const PasswordHasher& hasher_;
    const Clock& clock_;
};

}  // namespace caf::account
