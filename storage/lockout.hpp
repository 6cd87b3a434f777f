// Lockout counters per identifier key (an HMAC of the identifier, so unknown identifiers are
// counted the same way). The policy (thresholds, freeze lengths) lives in account/; the store
// only guarantees that read-modify-write is atomic: two parallel failures always count twice.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "storage/database.hpp"

namespace caf::storage {

struct LockoutState {
    std::int64_t failures = 0;
    std::int64_t freeze_count = 0;
    std::optional<std::int64_t> frozen_until;
    std::int64_t updated_at = 0;  // 0: never recorded
    // Login attempts reserved under the row lock and not yet settled (their password is being
    // hashed), and when the last one was reserved: a node that dies mid-attempt leaves them.
    std::int64_t reserved = 0;
    std::optional<std::int64_t> reserved_at;
};

class Lockouts {
public:
    explicit Lockouts(Database& db) : db_(db) {}

    // The state (all zero when nothing was recorded).
    LockoutState get(Connection& c, const std::string& key);
    // Locks the row, lets `change` edit the state, writes it back, returns it. Must run in a
    // write transaction (the overload without Connection does).
    LockoutState update(Connection& c, const std::string& key, std::int64_t now,
                        const std::function<void(LockoutState&)>& change);
    // Forgets the identifier (successful login, password reset, admin unlock).
    void reset(Connection& c, const std::string& key);
    // Housekeeping: rows untouched since `before` (and not frozen any more).
    std::int64_t delete_stale(Connection& c, std::int64_t before);

    LockoutState get(const std::string& key) {
        return db_.read([&](Connection& c) { return get(c, key); });
    }
    LockoutState update(const std::string& key, std::int64_t now,
                        const std::function<void(LockoutState&)>& change) {
        return db_.transaction([&](Connection& c) { return update(c, key, now, change); });
    }
    void reset(const std::string& key) {
        db_.transaction([&](Connection& c) { reset(c, key); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
