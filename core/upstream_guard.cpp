// The bulkhead and circuit breaker of one upstream.
#include "core/upstream_guard.hpp"

namespace caf {

expected<UpstreamGuard::Permit, UpstreamGuard::Refusal> UpstreamGuard::enter(TimePoint now) {
    std::lock_guard lock(mutex_);
    bool probe = false;
    if (open_until_) {
        // Half-open once the wait is over: one call tries the upstream, the others wait for it.
        if (now < *open_until_ || probing_) return unexpected<Refusal>{Refusal::unavailable};
        probe = true;
    }
    if (in_flight_ >= settings_.max_in_flight) return unexpected<Refusal>{Refusal::busy};
    ++in_flight_;
    if (probe) probing_ = true;
    return Permit(this, probe);
}

void UpstreamGuard::release(bool probe, std::optional<bool> success, TimePoint now) {
    std::lock_guard lock(mutex_);
    --in_flight_;
    if (probe) probing_ = false;
    if (!success) return;
    if (*success) {
        failures_in_a_row_ = 0;
        open_until_.reset();
    } else if (++failures_in_a_row_ >= settings_.failures_to_open) {
        open_until_ = now + settings_.open_for;
    }
}

UpstreamGuard::Permit::~Permit() {
    if (guard_) guard_->release(probe_, std::nullopt, TimePoint{});
}

void UpstreamGuard::Permit::succeeded() {
    if (!guard_) return;
    guard_->release(probe_, true, TimePoint{});
    guard_ = nullptr;
}

void UpstreamGuard::Permit::failed(TimePoint now) {
    if (!guard_) return;
    guard_->release(probe_, false, now);
    guard_ = nullptr;
}

}  // namespace caf
