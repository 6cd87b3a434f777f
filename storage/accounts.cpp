// Accounts over the portable SQL of the Database abstraction.
#include "storage/accounts.hpp"

namespace caf::storage {

namespace {

constexpr std::string_view select_account =
    "SELECT id, nir_lookup, nir_sealed, provisional_id, password_hash, password_changed_at, "
    "legacy_password, cgu_version, civil_status_sealed, pivot_lookup, email_sealed, "
    "email_verified, phone_sealed, phone_verified, address_sealed, documents_required, identity_verified, "
    "status, recovery_lookup, created_at, updated_at FROM accounts ";

Account to_account(const Row& r) {
    Account a;
    a.id = r.integer("id");
    a.nir_lookup = r.optional_blob("nir_lookup");
    a.nir_sealed = r.optional_blob("nir_sealed");
    a.provisional_id = r.optional_text("provisional_id");
    a.password_hash = r.optional_text("password_hash");
    a.password_changed_at = r.optional_integer("password_changed_at");
    a.legacy_password = r.boolean("legacy_password");
    a.cgu_version = r.optional_text("cgu_version");
    a.civil_status_sealed = r.optional_blob("civil_status_sealed");
    a.pivot_lookup = r.optional_blob("pivot_lookup");
    a.email_sealed = r.optional_blob("email_sealed");
    a.email_verified = r.boolean("email_verified");
    a.phone_sealed = r.optional_blob("phone_sealed");
    a.phone_verified = r.boolean("phone_verified");
    a.address_sealed = r.optional_blob("address_sealed");
    a.documents_required = r.boolean("documents_required");
    a.identity_verified = r.boolean("identity_verified");
    a.status = r.text("status");
    a.recovery_lookup = r.optional_blob("recovery_lookup");
    a.created_at = r.integer("created_at");
    a.updated_at = r.integer("updated_at");
    return a;
}

std::optional<Account> one(Connection& c, std::string_view where, const Params& params,
                           std::string_view suffix = "") {
    auto row = c.query_one(std::string(select_account) + std::string(where) + std::string(suffix), params);
    if (!row) return std::nullopt;
    return to_account(*row);
}

}  // namespace

std::int64_t Accounts::create(Connection& c, const NewAccount& a, std::int64_t now) {
    c.exec("INSERT INTO accounts (nir_lookup, nir_sealed, provisional_id, password_hash, "
           "password_changed_at, legacy_password, cgu_version, civil_status_sealed, pivot_lookup, "
           "email_sealed, email_verified, phone_sealed, phone_verified, address_sealed, "
           "documents_required, identity_verified, status, recovery_lookup, created_at, updated_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {nullable_blob(a.nir_lookup), nullable_blob(a.nir_sealed), nullable(a.provisional_id),
            nullable(a.password_hash), nullable(a.password_changed_at), boolean(a.legacy_password),
            nullable(a.cgu_version), nullable_blob(a.civil_status_sealed),
            nullable_blob(a.pivot_lookup), nullable_blob(a.email_sealed), boolean(a.email_verified),
            nullable_blob(a.phone_sealed), boolean(a.phone_verified), nullable_blob(a.address_sealed),
            boolean(a.documents_required), boolean(a.identity_verified), a.status, nullable_blob(a.recovery_lookup),
            now, now});
    return c.last_insert_id();
}

std::optional<Account> Accounts::find(Connection& c, std::int64_t id) {
    return one(c, "WHERE id = ?", {id});
}

std::optional<Account> Accounts::find_for_update(Connection& c, std::int64_t id) {
    return one(c, "WHERE id = ?", {id}, c.dialect().for_update());
}

std::optional<Account> Accounts::find_by_nir_lookup(Connection& c, const std::string& nir_lookup) {
    return one(c, "WHERE nir_lookup = ?", {Blob{nir_lookup}});
}

std::unordered_map<std::string, std::int64_t> Accounts::ids_by_nir_lookup(Connection& c,
                                                                          const std::vector<std::string>& nir_lookups) {
    std::unordered_map<std::string, std::int64_t> ids;
    if (nir_lookups.empty()) return ids;
    std::string sql = "SELECT nir_lookup, id FROM accounts WHERE nir_lookup IN (?";
    Params params{Blob{nir_lookups.front()}};
    for (std::size_t i = 1; i < nir_lookups.size(); ++i) {
        sql += ", ?";
        params.push_back(Blob{nir_lookups[i]});
    }
    sql += ")";
    for (const auto& row : c.query(sql, params)) ids.emplace(row.blob(0), row.integer(1));
    return ids;
}

std::optional<Account> Accounts::find_by_provisional_id(Connection& c, const std::string& provisional_id) {
    return one(c, "WHERE provisional_id = ?", {provisional_id});
}

namespace {
constexpr std::string_view provisional_without_nir =
    "WHERE provisional_id IS NOT NULL AND nir_lookup IS NULL AND status = 'active' ";
}  // namespace

std::vector<Account> Accounts::find_provisional_by_recovery_lookup(Connection& c, const std::string& recovery_lookup) {
    std::vector<Account> out;
    for (const auto& row : c.query(std::string(select_account) + std::string(provisional_without_nir) +
                                       "AND recovery_lookup = ? ORDER BY id",
                                   {Blob{recovery_lookup}}))
        out.push_back(to_account(row));
    return out;
}

std::vector<Account> Accounts::list_provisional_without_recovery_lookup(Connection& c, std::int64_t limit) {
    std::vector<Account> out;
    for (const auto& row : c.query(std::string(select_account) + std::string(provisional_without_nir) +
                                       "AND recovery_lookup IS NULL ORDER BY id LIMIT ?",
                                   {limit}))
        out.push_back(to_account(row));
    return out;
}

bool Accounts::set_recovery_lookup(Connection& c, std::int64_t id, const std::string& recovery_lookup) {
    return c.exec("UPDATE accounts SET recovery_lookup = ? WHERE id = ?", {Blob{recovery_lookup}, id}) == 1;
}

std::vector<Account> Accounts::find_by_pivot_lookup(Connection& c, const std::string& pivot_lookup) {
    std::vector<Account> out;
    for (const auto& row : c.query(std::string(select_account) + "WHERE pivot_lookup = ? ORDER BY id",
                                   {Blob{pivot_lookup}})) {
        out.push_back(to_account(row));
    }
    return out;
}

bool Accounts::update_password(Connection& c, std::int64_t id, const std::string& hash, std::int64_t now) {
    return c.exec("UPDATE accounts SET password_hash = ?, password_changed_at = ?, legacy_password = 0, "
                  "updated_at = ? WHERE id = ?",
                  {hash, now, now, id}) == 1;
}

bool Accounts::replace_password_hash(Connection& c, std::int64_t id, const std::string& hash,
                                     std::int64_t now) {
    return c.exec("UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?", {hash, now, id}) == 1;
}

bool Accounts::update_contact(Connection& c, std::int64_t id, const ContactData& contact, std::int64_t now) {
    return c.exec("UPDATE accounts SET email_sealed = ?, email_verified = ?, phone_sealed = ?, "
                  "phone_verified = ?, updated_at = ? WHERE id = ?",
                  {nullable_blob(contact.email_sealed), boolean(contact.email_verified),
                   nullable_blob(contact.phone_sealed), boolean(contact.phone_verified), now, id}) == 1;
}

bool Accounts::update_address(Connection& c, std::int64_t id, const std::optional<std::string>& address_sealed,
                              std::int64_t now) {
    return c.exec("UPDATE accounts SET address_sealed = ?, updated_at = ? WHERE id = ?",
                  {nullable_blob(address_sealed), now, id}) == 1;
}

bool Accounts::accept_cgu(Connection& c, std::int64_t id, const std::string& version, std::int64_t now) {
    return c.exec("UPDATE accounts SET cgu_version = ?, updated_at = ? WHERE id = ?", {version, now, id}) == 1;
}

bool Accounts::attach_nir(Connection& c, std::int64_t id, const std::string& nir_lookup,
                          const std::string& nir_sealed, std::int64_t now) {
    return c.exec("UPDATE accounts SET nir_lookup = ?, nir_sealed = ?, identity_verified = 1, updated_at = ? "
                  "WHERE id = ?",
                  {Blob{nir_lookup}, Blob{nir_sealed}, now, id}) == 1;
}

bool Accounts::update_civil_status(Connection& c, std::int64_t id, const std::string& civil_status_sealed,
                                   const std::optional<std::string>& pivot_lookup, std::int64_t now) {
    return c.exec("UPDATE accounts SET civil_status_sealed = ?, pivot_lookup = ?, recovery_lookup = NULL, "
                  "updated_at = ? WHERE id = ?",
                  {Blob{civil_status_sealed}, nullable_blob(pivot_lookup), now, id}) == 1;
}

bool Accounts::set_documents_required(Connection& c, std::int64_t id, bool required, std::int64_t now) {
    return c.exec("UPDATE accounts SET documents_required = ?, updated_at = ? WHERE id = ?",
                  {boolean(required), now, id}) == 1;
}

bool Accounts::set_identity_verified(Connection& c, std::int64_t id, bool verified, std::int64_t now) {
    return c.exec("UPDATE accounts SET identity_verified = ?, updated_at = ? WHERE id = ?",
                  {boolean(verified), now, id}) == 1;
}

bool Accounts::set_status(Connection& c, std::int64_t id, const std::string& status, std::int64_t now) {
    return c.exec("UPDATE accounts SET status = ?, updated_at = ? WHERE id = ?", {status, now, id}) == 1;
}

}  // namespace caf::storage
