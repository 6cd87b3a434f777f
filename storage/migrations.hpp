// Versioned schema migrations: numbered steps, applied once each and recorded in
// schema_migrations. DDL is written once with type placeholders rendered per dialect
// (the schema itself is in schema.cpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace caf::storage {

struct Migration {
    int version;
    std::string_view name;
    // Statements with placeholders, see render_ddl.
    std::vector<std::string_view> statements;
};

// Every migration, in version order. Never edit a released one: add a new version.
const std::vector<Migration>& migrations();

// Replaces the type placeholders for `dialect`:
//   {id}    auto-increment primary key     INTEGER PRIMARY KEY AUTOINCREMENT | BIGINT AUTO_INCREMENT
//   {int}   64-bit integer                 INTEGER | BIGINT
//   {key}   indexed bytes (digests)        BLOB    | VARBINARY(255)
//   {blob}  bytes (sealed data)            BLOB    | LONGBLOB
//   {str}   indexed text                   TEXT    | VARCHAR(255)
//   {text}  long text (JSON)               TEXT    | MEDIUMTEXT
//   {table} table options                  ""      | ENGINE=InnoDB utf8mb4, binary collation
//   {if_not_exists} ADD COLUMN guard       ""      | IF NOT EXISTS
std::string render_ddl(std::string_view ddl, const Dialect& dialect);

// One schema statement as the statements to run. A CREATE TABLE may list its secondary indexes
// as lines "INDEX name (columns)": MariaDB keeps them inline (one DDL instead of one ALTER per
// index, much faster), SQLite gets a CREATE INDEX IF NOT EXISTS after the table.
std::vector<std::string> render_statements(std::string_view ddl, const Dialect& dialect);

// How long a MariaDB migrator waits for the lock, and after how long a lock row left by a
// migrator that died (taken_at not renewed) may be taken over.
struct MigrationLockTimes {
    std::chrono::seconds wait{120};
    std::chrono::seconds lease{600};
};

// Applies what is missing and returns the versions it applied (empty when up to date). Safe to
// run twice and from two processes (or two Galera nodes) at once: SQLite runs it in one BEGIN
// IMMEDIATE transaction; MariaDB (where DDL commits implicitly) claims row 1 of
// schema_migration_lock by a committed INSERT, which Galera replicates (GET_LOCK it would not),
// waits up to `times.wait` for it (then StoreError(busy) naming the holder), re-reads the applied
// versions once it holds it, and deletes the row at the end. Every statement is IF NOT EXISTS so
// a run cut half-way is completed by the next one.
std::vector<int> migrate(Database& db, const MigrationLockTimes& times = {});

// `cafconnect migrate --release-lock`: deletes the MariaDB lock row whoever holds it, for a
// migrator known to be gone. Returns the owner it removed (nothing on SQLite or when free).
std::optional<std::string> release_migration_lock(Database& db);

// The versions recorded in schema_migrations (empty before the first migrate).
std::vector<int> applied_versions(Database& db);

}  // namespace caf::storage
