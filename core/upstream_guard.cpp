// The bulkhead and circuit breaker of one upstream.
#include "core/upstream_guard.hpp"

namespace caf {

expected<UpstreamGuard::Permit, UpstreamGuard::Refusal> UpstreamGuard::enter(TimePoint now) {
    using steady = std::chrono::steady_clock;
    std::unique_lock lock(mutex_);
    const auto give_up_at = steady::now() + settings_.max_wait;
    for (;;) {
        bool probe = false;
        if (open_until_) {
            // Half-open once the wait is over: one call tries the upstream, the others wait for it.
            if (now < *open_until_ || probing_) return unexpected<Refusal>{Refusal::unavailable};
            probe = true;
        }
        if (in_flight_ < settings_.max_in_flight) {
            ++in_flight_;
            if (probe) probing_ = true;
            const auto started = steady::now();
            started_.insert(started);
            return Permit(this, probe, started);
        }
        // Full. Young calls mean a burst on a healthy upstream: one ends soon. Calls already slow
        // mean it hangs: waiting would only hold this worker too.
        const auto slow_at = *started_.begin() + settings_.slow_after;
        const auto t = steady::now();
        if (t >= give_up_at || t >= slow_at) return unexpected<Refusal>{Refusal::busy};
        released_.wait_until(lock, std::min(give_up_at, slow_at));
    }
}

void UpstreamGuard::release(const Permit& permit, std::optional<bool> success, TimePoint now) {
    {
        std::lock_guard lock(mutex_);
        --in_flight_;
        if (auto it = started_.find(permit.started_); it != started_.end()) started_.erase(it);
        if (permit.probe_) probing_ = false;
        if (success) {
            if (*success) {
                failures_in_a_row_ = 0;
                open_until_.reset();
            } else if (++failures_in_a_row_ >= settings_.failures_to_open) {
                open_until_ = now + settings_.open_for;
            }
        }
    }
    released_.notify_all();
}

UpstreamGuard::Permit::~Permit() {
    if (guard_) guard_->release(*this, std::nullopt, TimePoint{});
}

void UpstreamGuard::Permit::succeeded() {
    if (!guard_) return;
    guard_->release(*this, true, TimePoint{});
    guard_ = nullptr;
}

void UpstreamGuard::Permit::failed(TimePoint now) {
    if (!guard_) return;
    guard_->release(*this, false, now);
    guard_ = nullptr;
}

}  // namespace caf
