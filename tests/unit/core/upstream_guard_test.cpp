// The bulkhead and circuit breaker of one upstream (core/upstream_guard.hpp).
#include "core/upstream_guard.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace caf {
namespace {

using namespace std::chrono_literals;

const TimePoint t0{std::chrono::seconds{1'700'000'000}};

TEST(UpstreamGuard, CallsBeyondTheInFlightLimitAreRefusedAtOnce) {
    UpstreamGuard g(UpstreamGuard::Settings{2, 1, 30s});
    auto a = g.enter(t0);
    auto b = g.enter(t0);
    ASSERT_TRUE(a && b);
    auto c = g.enter(t0);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), UpstreamGuard::Refusal::busy);
    a->succeeded();
    EXPECT_TRUE(g.enter(t0)) << "a slot came back";
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
