// The values that cross the Database abstraction: bound parameters and result rows, identical for
// SQLite and MariaDB so repositories are written once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace caf::storage {

// Bytes, kept apart from text so each backend binds them as binary (digests, sealed data).
struct Blob {
    std::string bytes;
    bool operator==(const Blob&) const = default;
};

using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string, Blob>;
using Params = std::vector<Value>;

// NULL when absent: optional columns bind with these.
Value nullable(const std::optional<std::int64_t>& v);
Value nullable(const std::optional<std::string>& text);
Value nullable_blob(const std::optional<std::string>& bytes);
inline Value boolean(bool b) { return std::int64_t{b ? 1 : 0}; }

// One result row. Getters are lenient between text and blob (MariaDB and SQLite disagree on
// which one some expressions produce) and strict otherwise: a wrong type is a bug, reported as
// StoreError(other).
class Row {
public:
    Row(std::shared_ptr<const std::vector<std::string>> columns, std::vector<Value> values)
        : columns_(std::move(columns)), values_(std::move(values)) {}

    std::size_t size() const { return values_.size(); }
    std::size_t index_of(std::string_view column) const;
    const Value& at(std::size_t i) const;
    const Value& at(std::string_view column) const { return at(index_of(column)); }

    bool is_null(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(at(i)); }
    bool is_null(std::string_view c) const { return is_null(index_of(c)); }

    std::int64_t integer(std::size_t i) const;
    std::int64_t integer(std::string_view c) const { return integer(index_of(c)); }
    double real(std::size_t i) const;
    double real(std::string_view c) const { return real(index_of(c)); }
    std::string text(std::size_t i) const;
    std::string text(std::string_view c) const { return text(index_of(c)); }
    std::string blob(std::size_t i) const;  // the bytes
    std::string blob(std::string_view c) const { return blob(index_of(c)); }
    bool boolean(std::string_view c) const { return integer(c) != 0; }

    std::optional<std::int64_t> optional_integer(std::string_view c) const;
    std::optional<std::string> optional_text(std::string_view c) const;
    std::optional<std::string> optional_blob(std::string_view c) const;

private:
    std::shared_ptr<const std::vector<std::string>> columns_;
    std::vector<Value> values_;
};

}  // namespace caf::storage
