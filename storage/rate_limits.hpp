// Fixed-window rate limits shared by every node (code resends, captcha-less attempts, ...).
// Keys are opaque bytes: hash anything personal before using it as a key.
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.hpp"

namespace caf::storage {

struct RateDecision {
    bool allowed = false;
    std::int64_t hits = 0;         // counted in the current window, this hit included if allowed
    std::int64_t retry_after = 0;  // seconds until the window ends when refused
};

class RateLimits {
public:
    explicit RateLimits(Database& db) : db_(db) {}

    // Atomic: counts the hit if fewer than `max` were allowed in the window of `window_seconds`
    // that started at the key's first hit. Must run in a write transaction.
    RateDecision hit(Connection& c, const std::string& key, std::int64_t now, std::int64_t window_seconds,
                     std::int64_t max);
    void reset(Connection& c, const std::string& key);
    std::int64_t delete_stale(Connection& c, std::int64_t before);

    RateDecision hit(const std::string& key, std::int64_t now, std::int64_t window_seconds, std::int64_t max) {
        return db_.transaction([&](Connection& c) { return hit(c, key, now, window_seconds, max); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
