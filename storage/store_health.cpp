#include "storage/store_health.hpp"

#include <exception>

namespace caf::storage {

StoreHealth::StoreHealth(Database& db, std::string node, std::chrono::milliseconds stale_after, Report report)
    : db_(db), node_(std::move(node)), stale_after_(stale_after), report_(std::move(report)) {}

void StoreHealth::probe(std::int64_t now) {
    std::string failure;
    try {
        db_.transaction([&](Connection& c) {
            c.exec("INSERT INTO health_probes (node, probed_at) VALUES (?, ?)" + c.dialect().upsert("node", {"probed_at"}),
                   {node_, now});
        });
    } catch (const StoreError& e) {
        failure = std::string(to_string(e.kind())) + ": " + e.what();
    } catch (const std::exception& e) {
        failure = std::string("other: ") + e.what();
    } catch (...) {
        failure = "other: unknown error";
    }
    const auto steady_now = std::chrono::steady_clock::now();
    if (failure.empty()) last_success_ = steady_now.time_since_epoch().count();
    // A failed write makes the node unready at once, whatever the age of the last success.
    last_probe_ok_ = failure.empty();

    std::lock_guard lock(transition_mutex_);
    if (!failure.empty() && !down_) {
        down_ = true;
        down_since_ = steady_now;
        if (report_) report_("store.unavailable", failure);
    } else if (failure.empty() && down_) {
        down_ = false;
        const auto outage = std::chrono::duration_cast<std::chrono::milliseconds>(steady_now - down_since_);
        if (report_) report_("store.available", "after " + std::to_string(outage.count()) + " ms");
    }
}

bool StoreHealth::ready() const noexcept {
    if (!last_probe_ok_) return false;
    const SteadyTime last{SteadyTime::duration{last_success_.load()}};
    return std::chrono::steady_clock::now() - last < stale_after_;
}

void StoreHealth::forget() noexcept {
    try {
        db_.transaction([&](Connection& c) { c.exec("DELETE FROM health_probes WHERE node = ?", {node_}); });
    } catch (...) {
        // The row is purged with the stale ones.
    }
}

}  // namespace caf::storage
