// The few SQL differences between SQLite and MariaDB, so domain code stays one portable text.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace caf::storage {

class Dialect {
public:
    enum class Kind { sqlite, mariadb };
    explicit constexpr Dialect(Kind kind) : kind_(kind) {}

    Kind kind() const noexcept { return kind_; }
    std::string_view name() const noexcept { return kind_ == Kind::sqlite ? "sqlite" : "mariadb"; }

    // Row lock for a read-modify-write. SQLite needs none: every write transaction starts with
    // BEGIN IMMEDIATE, which already serialises writers.
    std::string_view for_update() const noexcept {
        return kind_ == Kind::mariadb ? " FOR UPDATE" : "";
    }
    // For queue claims: concurrent claimers skip each other's rows instead of waiting.
    std::string_view for_update_skip_locked() const noexcept {
        return kind_ == Kind::mariadb ? " FOR UPDATE SKIP LOCKED" : "";
    }

    // Suffix for an INSERT that updates `columns` from the inserted values when the row
    // identified by `key_columns` already exists.
    std::string upsert(std::string_view key_columns,
                       std::initializer_list<std::string_view> columns) const;
    // Suffix for an INSERT that leaves an existing row untouched (no error). `any_column` is a
    // column of the table (MariaDB needs an assignment).
    std::string insert_or_ignore(std::string_view key_columns, std::string_view any_column) const;
    // Suffix for an INSERT that, when the row identified by `key_columns` already exists, adds 1
    // to its `counter_column` instead. For remember-once tables: the row is locked by the
    // statement, so reading the counter back in the same transaction says whether this
    // transaction inserted it (0), without a read-then-write race. (The affected-row count cannot
    // say it: MariaDB, with found rows, counts an untouched duplicate as 1, like an insert.)
    std::string insert_or_increment(std::string_view key_columns, std::string_view counter_column) const;

private:
    Kind kind_;
};

}  // namespace caf::storage
