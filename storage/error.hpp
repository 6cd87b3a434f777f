// The storage module's one exception: driver errors (SQLite codes, sql::SQLException) become a
// StoreError at the boundary so the rest of the code never sees a driver type.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace caf::storage {

enum class ErrorKind {
    unavailable,  // the database cannot be reached, or the connection broke
    conflict,     // a unique or foreign-key constraint refused the change
    busy,         // deadlock, lock wait timeout, SQLITE_BUSY: worth retrying the transaction
    other,        // a bug (bad SQL, wrong type) or anything unexpected
};

std::string_view to_string(ErrorKind kind) noexcept;

// Messages carry the SQL text and the driver's reason, never a bound value: parameters can be
// personal data (a NIR digest, sealed contact data).
class StoreError : public std::runtime_error {
public:
    StoreError(ErrorKind kind, const std::string& message, bool retry_safe = false)
        : std::runtime_error(message), kind_(kind), retry_safe_(retry_safe) {}

    ErrorKind kind() const noexcept { return kind_; }
    // True when the whole transaction may run again: busy errors, and a broken connection found
    // before anything was committed.
    bool retry_safe() const noexcept { return retry_safe_ || kind_ == ErrorKind::busy; }

private:
    ErrorKind kind_;
    bool retry_safe_;
};

}  // namespace caf::storage
