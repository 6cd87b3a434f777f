// Rate limits: the same insert-then-lock pattern as lockout.
#include "storage/rate_limits.hpp"

namespace caf::storage {

RateDecision RateLimits::hit(Connection& c, const std::string& key, std::int64_t now, std::int64_t window_seconds,
                             std::int64_t max) {
    c.exec("INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 0)" +
               c.dialect().insert_or_ignore("bucket", "hits"),
           {Blob{key}, now});
    auto row = c.query_one("SELECT window_start, hits FROM rate_limits WHERE bucket = ?" +
                               std::string(c.dialect().for_update()),
                           {Blob{key}});
    std::int64_t start = row ? row->integer("window_start") : now;
    std::int64_t hits = row ? row->integer("hits") : 0;
    if (now >= start + window_seconds) {  // the window is over: a new one starts with this hit
        start = now;
        hits = 0;
    }
    if (hits >= max) return {false, hits, start + window_seconds - now};
    ++hits;
    c.exec("UPDATE rate_limits SET window_start = ?, hits = ? WHERE bucket = ?", {start, hits, Blob{key}});
    return {true, hits, 0};
}

void RateLimits::reset(Connection& c, const std::string& key) {
    c.exec("DELETE FROM rate_limits WHERE bucket = ?", {Blob{key}});
}

std::int64_t RateLimits::delete_stale(Connection& c, std::int64_t before) {
    return c.exec("DELETE FROM rate_limits WHERE window_start < ?", {before});
}

}  // namespace caf::storage
