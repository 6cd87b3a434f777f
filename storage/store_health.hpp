// The store's health as the readiness probe reports it: a background task writes this node's row
// every half second on a connection of its own, so /readyz answers from memory, at once, even when
// the worker pool is saturated, and it notices a store that still reads but no longer writes
// (read-only file, full disk, a Galera node out of the primary component).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "storage/database.hpp"

namespace caf::storage {

class StoreHealth {
public:
    // Called on each change of state only, not on every probe: "store.unavailable" with the error
    // kind and the driver's message (which never carries bound values), then "store.available"
    // with how long the outage lasted.
    using Report = std::function<void(std::string_view event, std::string_view detail)>;

    // `node` names this process's row (random, per start). The store is "ready" when the last
    // probe succeeded and is younger than `stale_after`: a probe stuck on a hung server turns the
    // node unready without waiting for the driver's timeouts.
    StoreHealth(Database& db, std::string node, std::chrono::milliseconds stale_after, Report report = {});

    // One write transaction stamping this node's row with `now` (unix seconds). Never throws.
    void probe(std::int64_t now);
    bool ready() const noexcept;
    // Removes this node's row (at a clean shutdown). Never throws.
    void forget() noexcept;

private:
    using SteadyTime = std::chrono::steady_clock::time_point;

    Database& db_;
    const std::string node_;
    const std::chrono::milliseconds stale_after_;
    Report report_;
    std::atomic<SteadyTime::rep> last_success_{0};
    std::atomic<bool> last_probe_ok_{false};
    std::mutex transition_mutex_;  // orders the reports of two overlapping probes
    bool down_ = false;
    SteadyTime down_since_{};
};

}  // namespace caf::storage
