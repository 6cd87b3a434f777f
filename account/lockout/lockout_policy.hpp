// The login lockout of SPEC.md §3 as a pure state machine: captcha after a few failures, then
// progressive freezes. The store keeps one LockoutState per identifier; time comes in as `now`.
#pragma once

#include <chrono>
#include <optional>
#include <variant>
#include <vector>

#include "core/clock.hpp"

namespace caf::account {

struct LockoutConfig {
    // The captcha is asked from the attempt after this many failures (the 4th attempt).
    int captcha_after_failures = 3;
    // This failure freezes the account for the first time ("au 5e échec").
    int freeze_after_failures = 5;
    // One entry per freeze: the 5th failure freezes 10 min, the 6th 20 min, the 7th 1 h, the 8th
    // 24 h; the last entry repeats for every further failure.
    std::vector<std::chrono::seconds> freeze_durations{
        std::chrono::minutes{10}, std::chrono::minutes{20}, std::chrono::hours{1},
        std::chrono::hours{24}};
};

struct LockoutState {
    int failures = 0;      // since the last successful login or password reset
    int freeze_count = 0;  // freezes since then; picks the next duration
    std::optional<TimePoint> frozen_until;
    // Attempts reserved and not yet settled: their passwords are being checked (on any node).
    // They count like failures for the captcha and the freeze until they are settled.
    int in_flight = 0;

    friend bool operator==(const LockoutState&, const LockoutState&) = default;
};

// "Il vous reste N tentatives" counts the attempts left before the freezing one is used up,
// the freezing attempt included: attempts_left = freeze_after_failures − failures. The webinar
// (seeds/002) shows "Il vous reste 2 tentatives" on the screen that also shows the captcha,
// i.e. after 3 failures: the 4th and the 5th attempts remain, and "au 5e échec, votre compte
// sera bloqué". Once a freeze has ended, the next failure freezes again, so 1 remains.
struct Allowed {
    int attempts_left;
    bool captcha_required;
};
struct Frozen {
    std::chrono::seconds remaining;  // rounded up to the second
};
using LockoutVerdict = std::variant<Allowed, Frozen>;

// A failure that did not freeze: the wrong-credentials message with attempts_left.
struct WrongCredentials {
    int attempts_left;
    bool captcha_next;
};
// A failure that froze the account: the caller sends the freeze notice (mail or SMS).
struct NewlyFrozen {
    std::chrono::seconds duration;
    TimePoint until;
};
using FailureOutcome = std::variant<WrongCredentials, NewlyFrozen, Frozen>;

struct AfterFailure {
    LockoutState state;
    FailureOutcome outcome;
};

class LockoutPolicy {
public:
    // Throws std::invalid_argument for an unusable configuration (startup error).
    explicit LockoutPolicy(LockoutConfig config = {});

    // Before checking the password: may the person try, and is the captcha required? During a
    // freeze every attempt is refused, even with the right password, so the caller must not
    // check the password then. Attempts in flight count as failures; when one of them may be
    // the freezing failure, the attempt is refused as frozen for the freeze it would start, so
    // simultaneous attempts cannot all pass the freeze (or the captcha) before one is counted.
    LockoutVerdict evaluate(const LockoutState& state, TimePoint now) const;

    // After a wrong password (or unknown identifier), the attempt's own reservation already
    // released from `state.in_flight`. Called while frozen — two nodes racing on
    // the same identifier — it counts nothing and answers Frozen, so a race cannot escalate
    // the freeze.
    AfterFailure after_failure(const LockoutState& state, TimePoint now) const;

    // A successful login or a password reset clears everything.
    LockoutState after_success() const { return LockoutState{}; }

    const LockoutConfig& config() const noexcept { return config_; }

private:
    std::chrono::seconds freeze_duration(int freeze_number) const;

    LockoutConfig config_;
};

}  // namespace caf::account
