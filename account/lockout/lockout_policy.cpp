// The lockout state machine's transitions.
#include "account/lockout/lockout_policy.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace caf::account {
namespace {

std::optional<std::chrono::seconds> remaining_freeze(const LockoutState& state, TimePoint now) {
    if (!state.frozen_until || now >= *state.frozen_until) return std::nullopt;
    return std::chrono::ceil<std::chrono::seconds>(*state.frozen_until - now);
}

}  // namespace

LockoutPolicy::LockoutPolicy(LockoutConfig config) : config_(std::move(config)) {
    if (config_.freeze_after_failures < 1 || config_.captcha_after_failures < 0 ||
        config_.freeze_durations.empty()) {
        throw std::invalid_argument(
            "lockout: freeze_after_failures must be ≥ 1, captcha_after_failures ≥ 0 and "
            "freeze_durations not empty");
    }
    for (const auto d : config_.freeze_durations) {
        if (d <= std::chrono::seconds::zero()) {
            throw std::invalid_argument("lockout: every freeze duration must be positive");
        }
    }
}

std::chrono::seconds LockoutPolicy::freeze_duration(int freeze_number) const {
    const auto index = static_cast<std::size_t>(std::max(freeze_number, 1) - 1);
    return config_.freeze_durations[std::min(index, config_.freeze_durations.size() - 1)];
}

LockoutVerdict LockoutPolicy::evaluate(const LockoutState& state, TimePoint now) const {
    if (const auto remaining = remaining_freeze(state, now)) return Frozen{*remaining};
    const int counted = state.failures + state.in_flight;
    if (state.in_flight > 0 && counted >= config_.freeze_after_failures)
        return Frozen{freeze_duration(state.freeze_count + 1)};
    return Allowed{std::max(1, config_.freeze_after_failures - counted),
                   counted >= config_.captcha_after_failures};
}

AfterFailure LockoutPolicy::after_failure(const LockoutState& state, TimePoint now) const {
    if (const auto remaining = remaining_freeze(state, now)) return {state, Frozen{*remaining}};

    LockoutState next = state;
    ++next.failures;
    if (next.failures >= config_.freeze_after_failures) {
        ++next.freeze_count;
        const auto duration = freeze_duration(next.freeze_count);
        next.frozen_until = now + duration;
        return {next, NewlyFrozen{duration, *next.frozen_until}};
    }
    return {next, WrongCredentials{config_.freeze_after_failures - next.failures,
                                   next.failures >= config_.captcha_after_failures}};
}

}  // namespace caf::account
