// Versioned schema migrations: numbered steps, applied once each and recorded in
// schema_migrations. DDL is written once with type placeholders rendered per dialect
// (the schema itself is in schema.cpp).
#pragma once

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

// Applies what is missing and returns the versions it applied (empty when up to date). Safe to
// run twice and from two processes at once: SQLite runs it in one BEGIN IMMEDIATE transaction;
// MariaDB (where DDL commits implicitly) holds a named lock (GET_LOCK) for the run, and every
// statement is IF NOT EXISTS so a run cut half-way is completed by the next one.
std::vector<int> migrate(Database& db);

// The versions recorded in schema_migrations (empty before the first migrate).
std::vector<int> applied_versions(Database& db);

}  // namespace caf::storage
