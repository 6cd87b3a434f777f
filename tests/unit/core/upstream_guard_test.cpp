// The bulkhead and circuit breaker of one upstream (core/upstream_guard.hpp).
#include "core/upstream_guard.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace caf {
namespace {

using namespace std::chrono_literals;

const TimePoint t0{std::chrono::seconds{1'700'000'000}};

TEST(UpstreamGuard, CallsBeyondTheInFlightLimitAreRefusedAtOnceWithoutAWait) {
    UpstreamGuard g(UpstreamGuard::Settings{2, 1, 30s, 0ms});
    auto a = g.enter(t0);
    auto b = g.enter(t0);
    ASSERT_TRUE(a && b);
    auto c = g.enter(t0);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), UpstreamGuard::Refusal::busy);
    a->succeeded();
    EXPECT_TRUE(g.enter(t0)) << "a slot came back";
}

TEST(UpstreamGuard, ABurstOnAHealthyUpstreamWaitsForACallToEnd) {
    UpstreamGuard g(UpstreamGuard::Settings{1, 1, 30s, 5s, 5s});
    auto first = g.enter(t0);
    ASSERT_TRUE(first);
    std::thread ends([&] {
        std::this_thread::sleep_for(20ms);
        first->succeeded();
    });
    auto second = g.enter(t0);  // waits for the first call, young, to end
    ends.join();
    EXPECT_TRUE(second);
}

TEST(UpstreamGuard, CallsAlreadySlowAreNotWaitedFor) {
    UpstreamGuard g(UpstreamGuard::Settings{1, 1, 30s, 5s, 10ms});
    auto hung = g.enter(t0);
    ASSERT_TRUE(hung);
    std::this_thread::sleep_for(20ms);
    const auto asked = std::chrono::steady_clock::now();
    auto refused = g.enter(t0);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), UpstreamGuard::Refusal::busy);
    // Refused at once, not after max_wait (5 s).
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 1s);
}

TEST(UpstreamGuard, AFailureLeavesTheUpstreamAloneThenOneCallTriesItAgain) {
    UpstreamGuard g(UpstreamGuard::Settings{4, 1, 30s});
    g.enter(t0)->failed(t0);
    auto refused = g.enter(t0 + 29s);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), UpstreamGuard::Refusal::unavailable);

    auto probe = g.enter(t0 + 30s);
    ASSERT_TRUE(probe);
    EXPECT_FALSE(g.enter(t0 + 31s)) << "one call at a time tries a failed upstream";
    probe->succeeded();
    EXPECT_TRUE(g.enter(t0 + 31s)) << "it answered: open again";
}

TEST(UpstreamGuard, AFailedProbeLeavesItAloneAgain) {
    UpstreamGuard g(UpstreamGuard::Settings{4, 1, 30s});
    g.enter(t0)->failed(t0);
    g.enter(t0 + 30s)->failed(t0 + 32s);
    EXPECT_FALSE(g.enter(t0 + 61s));
    EXPECT_TRUE(g.enter(t0 + 62s));
}

TEST(UpstreamGuard, APermitDroppedWithoutAnOutcomeOnlyGivesItsSlotBack) {
    UpstreamGuard g(UpstreamGuard::Settings{1, 1, 30s});
    { auto p = g.enter(t0); ASSERT_TRUE(p); }
    auto next = g.enter(t0);
    ASSERT_TRUE(next);
    next->succeeded();
}

TEST(UpstreamGuard, SeveralFailuresInARowCanBeRequiredToOpen) {
    UpstreamGuard g(UpstreamGuard::Settings{4, 3, 30s});
    g.enter(t0)->failed(t0);
    g.enter(t0)->failed(t0);
    EXPECT_TRUE(g.enter(t0));
    g.enter(t0)->failed(t0);
    EXPECT_FALSE(g.enter(t0));
}

}  // namespace
}  // namespace caf
