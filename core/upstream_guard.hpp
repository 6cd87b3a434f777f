// Keeps one slow or dead upstream (a provider, a gateway) from taking the worker pool with it:
// a bulkhead and a circuit breaker. At most `max_in_flight` calls to the upstream at once; a call
// beyond that waits a moment (`max_wait`) while the calls under way are young, as in a burst on a
// healthy upstream, and is refused at once when they have run for `slow_after` already (a hung
// upstream). After `failures_to_open` failures in a row the upstream is left alone for
// `open_for`, every call refused at once, then a single call goes through to try it again.
// Thread-safe; no lock is held during the call itself.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include "core/clock.hpp"
#include "core/expected.hpp"

namespace caf {

class UpstreamGuard {
public:
    struct Settings {
        unsigned max_in_flight = 4;
        unsigned failures_to_open = 1;
        std::chrono::seconds open_for{30};
        std::chrono::milliseconds max_wait{250};
        std::chrono::milliseconds slow_after{100};
    };
    enum class Refusal {
        busy,         // max_in_flight calls are under way
        unavailable,  // the upstream failed lately: not tried again before open_for has passed
    };

    // The right to make one call; say how it went, or it counts as neither (released only).
    class Permit {
    public:
        Permit(Permit&& other) noexcept : guard_(other.guard_), probe_(other.probe_), started_(other.started_) {
            other.guard_ = nullptr;
        }
        Permit& operator=(Permit&&) = delete;
        ~Permit();
        void succeeded();
        void failed(TimePoint now);

    private:
        friend class UpstreamGuard;
        using Started = std::chrono::steady_clock::time_point;
        Permit(UpstreamGuard* guard, bool probe, Started started) : guard_(guard), probe_(probe), started_(started) {}
        UpstreamGuard* guard_;
        bool probe_;
        Started started_;
    };

    explicit UpstreamGuard(Settings settings) : settings_(settings) {}
    UpstreamGuard(const UpstreamGuard&) = delete;
    UpstreamGuard& operator=(const UpstreamGuard&) = delete;

    expected<Permit, Refusal> enter(TimePoint now);

    // One call under a permit: `refused(Refusal)` is the result when no call may be made, and
    // `is_outage(result)` says whether the result counts as the upstream failing (no answer, a
    // 5xx) rather than answering (even with a refusal).
    template <class Call, class Refused, class IsOutage>
    auto run(const Clock& clock, Call&& call, Refused&& refused, IsOutage&& is_outage) -> decltype(call()) {
        auto permit = enter(clock.now());
        if (!permit) return refused(permit.error());
        auto result = call();
        if (is_outage(result)) permit->failed(clock.now());
        else permit->succeeded();
        return result;
    }

    const Settings& settings() const { return settings_; }

private:
    void release(const Permit& permit, std::optional<bool> success, TimePoint now);

    const Settings settings_;
    std::mutex mutex_;
    std::condition_variable released_;
    std::multiset<std::chrono::steady_clock::time_point> started_;  // of the calls under way
    unsigned in_flight_ = 0;
    unsigned failures_in_a_row_ = 0;
    std::optional<TimePoint> open_until_;
    bool probing_ = false;
};

}  // namespace caf
