// The login lockout of SPEC.md §3 over a whole sequence of attempts, on a manual clock.
#include "account/lockout/lockout_policy.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace caf::account {
namespace {

using namespace std::chrono_literals;

class LockoutPolicyTest : public ::testing::Test {
protected:
    // One failed attempt: checks the verdict first, as the login does.
    FailureOutcome fail() {
        auto result = policy_.after_failure(state_, clock_.now());
        state_ = result.state;
        return result.outcome;
    }
    LockoutVerdict verdict() const { return policy_.evaluate(state_, clock_.now()); }
    // Fails until the next freeze and returns its duration.
    std::chrono::seconds fail_until_frozen() {
        for (int i = 0; i < 10; ++i) {
            auto outcome = fail();
            if (auto* frozen = std::get_if<NewlyFrozen>(&outcome)) return frozen->duration;
        }
        ADD_FAILURE() << "never froze";
        return {};
    }

    LockoutPolicy policy_;
    ManualClock clock_;
    LockoutState state_;
};

TEST_F(LockoutPolicyTest, FreshIdentifierIsAllowedWithFiveAttemptsAndNoCaptcha) {
    const auto v = verdict();
    const auto* allowed = std::get_if<Allowed>(&v);
    ASSERT_NE(allowed, nullptr);
    EXPECT_EQ(allowed->attempts_left, 5);
    EXPECT_FALSE(allowed->captcha_required);
}

TEST_F(LockoutPolicyTest, FirstFourFailuresCountDownTheAttemptsLeft) {
    for (int failure = 1; failure <= 4; ++failure) {
        const auto outcome = fail();
        const auto* wrong = std::get_if<WrongCredentials>(&outcome);
        ASSERT_NE(wrong, nullptr) << failure;
        EXPECT_EQ(wrong->attempts_left, 5 - failure);
    }
}

TEST_F(LockoutPolicyTest, ThirdFailureLeavesTwoAttemptsAsInTheWebinar) {
    fail();
    fail();
    const auto outcome = fail();
    EXPECT_EQ(std::get<WrongCredentials>(outcome).attempts_left, 2);
}

TEST_F(LockoutPolicyTest, CaptchaIsRequiredFromTheFourthAttempt) {
    fail();
    fail();
    EXPECT_FALSE(std::get<Allowed>(verdict()).captcha_required);
    const auto third = fail();
    EXPECT_TRUE(std::get<WrongCredentials>(third).captcha_next);
    EXPECT_TRUE(std::get<Allowed>(verdict()).captcha_required);
}

TEST_F(LockoutPolicyTest, FifthFailureFreezesTenMinutes) {
    for (int i = 0; i < 4; ++i) fail();
    const auto outcome = fail();
    const auto* frozen = std::get_if<NewlyFrozen>(&outcome);
    ASSERT_NE(frozen, nullptr);
    EXPECT_EQ(frozen->duration, 10min);
    EXPECT_EQ(frozen->until, clock_.now() + 10min);
    EXPECT_EQ(std::get<Frozen>(verdict()).remaining, 10min);
}

TEST_F(LockoutPolicyTest, RightPasswordDuringFreezeIsRefusedWithRemainingTime) {
    fail_until_frozen();
    clock_.advance(3min + 30s);
    // The login asks evaluate() before checking the password: Frozen means refused, whatever
    // the password.
    const auto v = verdict();
    const auto* frozen = std::get_if<Frozen>(&v);
    ASSERT_NE(frozen, nullptr);
    EXPECT_EQ(frozen->remaining, 6min + 30s);
}

TEST_F(LockoutPolicyTest, FreezeEndsExactlyAtItsEnd) {
    fail_until_frozen();
    clock_.advance(10min - 1s);
    EXPECT_EQ(std::get<Frozen>(verdict()).remaining, 1s);
    clock_.advance(1s);
    const auto allowed = std::get<Allowed>(verdict());
    EXPECT_EQ(allowed.attempts_left, 1);
    EXPECT_TRUE(allowed.captcha_required);
}

TEST_F(LockoutPolicyTest, FailuresDuringAFreezeAreNotCounted) {
    fail_until_frozen();
    const LockoutState frozen_state = state_;
    clock_.advance(1min);
    const auto outcome = fail();
    EXPECT_EQ(std::get<Frozen>(outcome).remaining, 9min);
    EXPECT_EQ(state_, frozen_state);
}

TEST_F(LockoutPolicyTest, SixthSeventhAndEighthFailuresFreezeTwentyMinutesOneHourOneDay) {
    EXPECT_EQ(fail_until_frozen(), 10min);
    clock_.advance(10min);
    EXPECT_EQ(fail_until_frozen(), 20min);
    EXPECT_EQ(state_.failures, 6);
    clock_.advance(20min);
    EXPECT_EQ(fail_until_frozen(), 1h);
    EXPECT_EQ(state_.failures, 7);
    clock_.advance(1h);
    EXPECT_EQ(fail_until_frozen(), 24h);
    EXPECT_EQ(state_.failures, 8);
}

TEST_F(LockoutPolicyTest, EveryFurtherFailureFreezesOneDay) {
    for (std::chrono::seconds d : {std::chrono::seconds{10min}, std::chrono::seconds{20min},
                                   std::chrono::seconds{1h}, std::chrono::seconds{24h}}) {
        EXPECT_EQ(fail_until_frozen(), d);
        clock_.advance(d);
    }
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(fail_until_frozen(), 24h);
        clock_.advance(24h);
    }
    EXPECT_EQ(state_.failures, 11);
    EXPECT_EQ(state_.freeze_count, 7);
}

TEST_F(LockoutPolicyTest, AttemptsOneToNineWithFreezeBoundaries) {
    // attempt → what the person sees, each wrong attempt made as soon as it is allowed.
    struct Step {
        int attempts_left_before;
        bool captcha_before;
        std::chrono::seconds freeze;  // 0 when the failure does not freeze
    };
    const Step steps[] = {
        {5, false, 0s}, {4, false, 0s}, {3, false, 0s}, {2, true, 0s},  {1, true, 10min},
        {1, true, 20min}, {1, true, 1h}, {1, true, 24h}, {1, true, 24h},
    };
    int attempt = 0;
    for (const Step& step : steps) {
        ++attempt;
        const auto allowed = std::get<Allowed>(verdict());
        EXPECT_EQ(allowed.attempts_left, step.attempts_left_before) << "attempt " << attempt;
        EXPECT_EQ(allowed.captcha_required, step.captcha_before) << "attempt " << attempt;
        const auto outcome = fail();
        if (step.freeze == 0s) {
            EXPECT_TRUE(std::holds_alternative<WrongCredentials>(outcome)) << "attempt " << attempt;
            continue;
        }
        ASSERT_TRUE(std::holds_alternative<NewlyFrozen>(outcome)) << "attempt " << attempt;
        EXPECT_EQ(std::get<NewlyFrozen>(outcome).duration, step.freeze) << "attempt " << attempt;
        clock_.advance(step.freeze - 1s);
        EXPECT_TRUE(std::holds_alternative<Frozen>(verdict())) << "attempt " << attempt;
        clock_.advance(1s);
    }
}

TEST_F(LockoutPolicyTest, AttemptsInFlightCountForTheCaptcha) {
    fail();
    state_.in_flight = 2;
    const auto v = verdict();
    const auto* allowed = std::get_if<Allowed>(&v);
    ASSERT_NE(allowed, nullptr);
    EXPECT_TRUE(allowed->captcha_required);
    EXPECT_EQ(allowed->attempts_left, 2);
}

TEST_F(LockoutPolicyTest, AttemptWhileTheFreezingOneIsInFlightIsRefusedForTheComingFreeze) {
    for (int i = 0; i < 4; ++i) fail();
    state_.in_flight = 1;  // the 5th attempt, being checked
    const auto v = verdict();
    ASSERT_TRUE(std::holds_alternative<Frozen>(v));
    EXPECT_EQ(std::get<Frozen>(v).remaining, 10min);
    state_.in_flight = 0;  // settled as a success elsewhere would reset; settled as a failure freezes
    EXPECT_TRUE(std::holds_alternative<Allowed>(verdict()));
}

TEST_F(LockoutPolicyTest, SuccessResetsTheCounter) {
    fail();
    fail();
    fail();
    state_ = policy_.after_success();
    EXPECT_EQ(state_, LockoutState{});
    const auto allowed = std::get<Allowed>(verdict());
    EXPECT_EQ(allowed.attempts_left, 5);
    EXPECT_FALSE(allowed.captcha_required);
}

TEST_F(LockoutPolicyTest, SuccessAfterSeveralFreezesStartsOverAtTenMinutes) {
    EXPECT_EQ(fail_until_frozen(), 10min);
    clock_.advance(10min);
    EXPECT_EQ(fail_until_frozen(), 20min);
    clock_.advance(20min);
    state_ = policy_.after_success();
    EXPECT_EQ(fail_until_frozen(), 10min);
}

TEST(LockoutPolicy, ThresholdsAndDurationsComeFromConfig) {
    LockoutConfig config;
    config.captcha_after_failures = 1;
    config.freeze_after_failures = 2;
    config.freeze_durations = {std::chrono::seconds{30}};
    const LockoutPolicy policy{config};
    const TimePoint now{};
    auto first = policy.after_failure({}, now);
    EXPECT_EQ(std::get<WrongCredentials>(first.outcome).attempts_left, 1);
    EXPECT_TRUE(std::get<WrongCredentials>(first.outcome).captcha_next);
    auto second = policy.after_failure(first.state, now);
    EXPECT_EQ(std::get<NewlyFrozen>(second.outcome).duration, 30s);
    auto third = policy.after_failure(second.state, now + 30s);
    EXPECT_EQ(std::get<NewlyFrozen>(third.outcome).duration, 30s);
}

TEST(LockoutPolicy, UnusableConfigIsAStartupError) {
    LockoutConfig no_durations;
    no_durations.freeze_durations.clear();
    EXPECT_THROW(LockoutPolicy{no_durations}, std::invalid_argument);
    LockoutConfig zero_threshold;
    zero_threshold.freeze_after_failures = 0;
    EXPECT_THROW(LockoutPolicy{zero_threshold}, std::invalid_argument);
}

}  // namespace
}  // namespace caf::account
