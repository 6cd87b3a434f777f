// Accounts: identifiers, password, accepted CGU, sealed civil status and contact data.
// The store never sees a NIR or contact data in clear: `*_lookup` are keyed HMACs computed by
// account/, `*_sealed` are AES-GCM blobs. The civil status (civilité, names, birth date and
// place, country) is one sealed blob (account/ decides its JSON shape); `pivot_lookup` is the
// HMAC of its normalised identity pivot, so FranceConnect matching is an index lookup.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/database.hpp"

namespace caf::storage {

struct NewAccount {
    std::optional<std::string> nir_lookup;      // unique
    std::optional<std::string> nir_sealed;
    std::optional<std::string> provisional_id;  // "P" + 8 digits, unique
    std::optional<std::string> password_hash;   // PHC string (Argon2id)
    std::optional<std::int64_t> password_changed_at;
    bool legacy_password = false;               // 8-digit password of the allocataire era
    std::optional<std::string> cgu_version;     // accepted version
    std::optional<std::string> civil_status_sealed;
    std::optional<std::string> pivot_lookup;
    std::optional<std::string> email_sealed;
    bool email_verified = false;
    std::optional<std::string> phone_sealed;
    bool phone_verified = false;
    std::optional<std::string> address_sealed;  // postal address, for letters
    bool documents_required = false;            // declared no French identity document
    // The CAF vouches for the civil status: imported from its records, or a NIR attached or
    // checked by the back office. Only such accounts are linked to a provider's identity by the
    // pivot alone; anyone can type a name and a birth date into the creation wizard.
    bool identity_verified = false;
    std::string status = "active";
    // Provisional accounts only: "Identifiant provisoire oublié" finds them by this HMAC of the
    // birth name, the first first name and the birth date (account/recovery). NULL: not computed
    // yet (rows from before migration 9, or a civil status just changed); empty: none possible.
    std::optional<std::string> recovery_lookup;
};

struct Account : NewAccount {
    std::int64_t id = 0;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

struct ContactData {
    std::optional<std::string> email_sealed;
    bool email_verified = false;
    std::optional<std::string> phone_sealed;
    bool phone_verified = false;
};

class Accounts {
public:
    explicit Accounts(Database& db) : db_(db) {}

    // The new id. StoreError(conflict) when the NIR or provisional id already has an account.
    std::int64_t create(Connection& c, const NewAccount& account, std::int64_t now);
    std::optional<Account> find(Connection& c, std::int64_t id);
    // The same, row locked until the transaction ends (read-modify-write of an account).
    std::optional<Account> find_for_update(Connection& c, std::int64_t id);
    std::optional<Account> find_by_nir_lookup(Connection& c, const std::string& nir_lookup);
    // The ids of the accounts holding these NIR lookups, in one query (bulk import): lookup → id.
    std::unordered_map<std::string, std::int64_t> ids_by_nir_lookup(Connection& c,
                                                                    const std::vector<std::string>& nir_lookups);
    std::optional<Account> find_by_provisional_id(Connection& c, const std::string& provisional_id);
    // Several matches are possible (homonyms): the caller links only a unique one.
    std::vector<Account> find_by_pivot_lookup(Connection& c, const std::string& pivot_lookup);
    // Active accounts that still log in with a provisional identifier (no NIR attached yet) with
    // this recovery lookup: "Identifiant provisoire oublié" compares their sealed civil status
    // and contact with what is typed. Several are possible (homonyms).
    std::vector<Account> find_provisional_by_recovery_lookup(Connection& c, const std::string& recovery_lookup);
    // Up to `limit` such accounts whose recovery lookup is still NULL, by id, and the setter that
    // fills it in: the lookup is an HMAC the SQL of a migration cannot compute.
    std::vector<Account> list_provisional_without_recovery_lookup(Connection& c, std::int64_t limit);
    bool set_recovery_lookup(Connection& c, std::int64_t id, const std::string& recovery_lookup);

    // A new password chosen by the person: changed_at = now, no longer legacy. False: no account.
    bool update_password(Connection& c, std::int64_t id, const std::string& hash, std::int64_t now);
    // The same password rehashed with new parameters: changed_at stays.
    bool replace_password_hash(Connection& c, std::int64_t id, const std::string& hash, std::int64_t now);
    bool update_contact(Connection& c, std::int64_t id, const ContactData& contact, std::int64_t now);
    bool update_address(Connection& c, std::int64_t id, const std::optional<std::string>& address_sealed,
                        std::int64_t now);
    bool accept_cgu(Connection& c, std::int64_t id, const std::string& version, std::int64_t now);
    // Back office: a NIR for a provisional account. StoreError(conflict) when the NIR is taken.
    bool attach_nir(Connection& c, std::int64_t id, const std::string& nir_lookup,
                    const std::string& nir_sealed, std::int64_t now);
    // Clears the recovery lookup, computed again from the new civil status before the next use.
    bool update_civil_status(Connection& c, std::int64_t id, const std::string& civil_status_sealed,
                             const std::optional<std::string>& pivot_lookup, std::int64_t now);
    bool set_documents_required(Connection& c, std::int64_t id, bool required, std::int64_t now);
    bool set_status(Connection& c, std::int64_t id, const std::string& status, std::int64_t now);
    bool set_identity_verified(Connection& c, std::int64_t id, bool verified, std::int64_t now);

    // One-transaction forms.
    std::int64_t create(const NewAccount& a, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return create(c, a, now); });
    }
    std::optional<Account> find(std::int64_t id) {
        return db_.read([&](Connection& c) { return find(c, id); });
    }
    std::unordered_map<std::string, std::int64_t> ids_by_nir_lookup(const std::vector<std::string>& v) {
        return db_.read([&](Connection& c) { return ids_by_nir_lookup(c, v); });
    }
    std::optional<Account> find_by_nir_lookup(const std::string& v) {
        return db_.read([&](Connection& c) { return find_by_nir_lookup(c, v); });
    }
    std::optional<Account> find_by_provisional_id(const std::string& v) {
        return db_.read([&](Connection& c) { return find_by_provisional_id(c, v); });
    }
    std::vector<Account> find_by_pivot_lookup(const std::string& v) {
        return db_.read([&](Connection& c) { return find_by_pivot_lookup(c, v); });
    }
    bool update_password(std::int64_t id, const std::string& hash, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return update_password(c, id, hash, now); });
    }
    bool replace_password_hash(std::int64_t id, const std::string& hash, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return replace_password_hash(c, id, hash, now); });
    }
    bool update_contact(std::int64_t id, const ContactData& contact, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return update_contact(c, id, contact, now); });
    }
    bool accept_cgu(std::int64_t id, const std::string& version, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return accept_cgu(c, id, version, now); });
    }
    bool attach_nir(std::int64_t id, const std::string& lookup, const std::string& sealed, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return attach_nir(c, id, lookup, sealed, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
