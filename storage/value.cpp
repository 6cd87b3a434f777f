// Row getters and the nullable helpers.
#include "storage/value.hpp"

#include "storage/error.hpp"

namespace caf::storage {

std::string_view to_string(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::unavailable: return "unavailable";
        case ErrorKind::conflict: return "conflict";
        case ErrorKind::busy: return "busy";
        case ErrorKind::other: return "other";
    }
    return "other";
}

Value nullable(const std::optional<std::int64_t>& v) {
    if (v) return *v;
    return nullptr;
}
Value nullable(const std::optional<std::string>& text) {
    if (text) return *text;
    return nullptr;
}
Value nullable_blob(const std::optional<std::string>& bytes) {
    if (bytes) return Blob{*bytes};
    return nullptr;
}

std::size_t Row::index_of(std::string_view column) const {
    for (std::size_t i = 0; i < columns_->size(); ++i) {
        if ((*columns_)[i] == column) return i;
    }
    throw StoreError(ErrorKind::other, "no column named " + std::string(column) + " in the result");
}

const Value& Row::at(std::size_t i) const {
    if (i >= values_.size()) throw StoreError(ErrorKind::other, "column index out of range");
    return values_[i];
}

namespace {
[[noreturn]] void wrong_type(const std::vector<std::string>& columns, std::size_t i,
                             const char* wanted) {
    throw StoreError(ErrorKind::other,
                     "column " + columns.at(i) + " is not " + wanted + " (or is NULL)");
}
}  // namespace

std::int64_t Row::integer(std::size_t i) const {
    const Value& v = at(i);
    if (auto p = std::get_if<std::int64_t>(&v)) return *p;
    wrong_type(*columns_, i, "an integer");
}

double Row::real(std::size_t i) const {
    const Value& v = at(i);
    if (auto p = std::get_if<double>(&v)) return *p;
    if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
    wrong_type(*columns_, i, "a number");
}

std::string Row::text(std::size_t i) const {
    const Value& v = at(i);
    if (auto p = std::get_if<std::string>(&v)) return *p;
    if (auto p = std::get_if<Blob>(&v)) return p->bytes;
    wrong_type(*columns_, i, "text");
}

std::string Row::blob(std::size_t i) const {
    const Value& v = at(i);
    if (auto p = std::get_if<Blob>(&v)) return p->bytes;
    if (auto p = std::get_if<std::string>(&v)) return *p;
    wrong_type(*columns_, i, "a blob");
}

std::optional<std::int64_t> Row::optional_integer(std::string_view c) const {
    auto i = index_of(c);
    if (is_null(i)) return std::nullopt;
    return integer(i);
}
std::optional<std::string> Row::optional_text(std::string_view c) const {
    auto i = index_of(c);
    if (is_null(i)) return std::nullopt;
    return text(i);
}
std::optional<std::string> Row::optional_blob(std::string_view c) const {
    auto i = index_of(c);
    if (is_null(i)) return std::nullopt;
    return blob(i);
}

}  // namespace caf::storage
