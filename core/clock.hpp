// Time comes in from outside: every expiry, freeze and code validity reads a Clock, so tests move
// time instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace caf {

using TimePoint = std::chrono::system_clock::time_point;

struct Clock {
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

struct SystemClock final : Clock {
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock the tests set and advance; safe to read from several threads.
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint start = TimePoint{std::chrono::seconds{1'700'000'000}})
        : now_(start.time_since_epoch().count()) {}
    TimePoint now() const override { return TimePoint{TimePoint::duration{now_.load()}}; }
    void set(TimePoint t) { now_ = t.time_since_epoch().count(); }
    void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }

private:
    std::atomic<TimePoint::rep> now_;
};

inline std::int64_t to_unix_seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline TimePoint from_unix_seconds(std::int64_t s) { return TimePoint{std::chrono::seconds{s}}; }

}  // namespace caf
