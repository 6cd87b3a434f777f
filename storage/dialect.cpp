// Upsert syntax per dialect.
#include "storage/dialect.hpp"

namespace caf::storage {

std::string Dialect::upsert(std::string_view key_columns,
                            std::initializer_list<std::string_view> columns) const {
    std::string sql;
    if (kind_ == Kind::sqlite) {
        sql = " ON CONFLICT(" + std::string(key_columns) + ") DO UPDATE SET ";
    } else {
        sql = " ON DUPLICATE KEY UPDATE ";
    }
    bool first = true;
    for (auto c : columns) {
        if (!first) sql += ", ";
        first = false;
        sql += std::string(c) + " = ";
        // MariaDB 10.11 still has VALUES(col); the MySQL 8 alias syntax is not in MariaDB.
        sql += kind_ == Kind::sqlite ? "excluded." + std::string(c) : "VALUES(" + std::string(c) + ")";
    }
    return sql;
}

std::string Dialect::insert_or_ignore(std::string_view key_columns,
                                      std::string_view any_column) const {
    if (kind_ == Kind::sqlite) return " ON CONFLICT(" + std::string(key_columns) + ") DO NOTHING";
    // Not INSERT IGNORE: that also hides truncation and other errors.
    return " ON DUPLICATE KEY UPDATE " + std::string(any_column) + " = " + std::string(any_column);
}

std::string Dialect::insert_or_increment(std::string_view key_columns, std::string_view counter_column) const {
    const std::string counter(counter_column);
    if (kind_ == Kind::sqlite) {
        return " ON CONFLICT(" + std::string(key_columns) + ") DO UPDATE SET " + counter + " = " + counter + " + 1";
    }
    return " ON DUPLICATE KEY UPDATE " + counter + " = " + counter + " + 1";
}

}  // namespace caf::storage
