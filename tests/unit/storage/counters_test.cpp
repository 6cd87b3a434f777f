// Lockout counters, verification codes and rate limits, on both backends.
#include <atomic>
#include <thread>

#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class LockoutTest : public StoreTest<B> {};
TYPED_TEST_SUITE(LockoutTest, Backends, BackendNames);

TYPED_TEST(LockoutTest, UnknownKeyHasAnEmptyState) {
    auto state = this->store().lockouts().get("nobody");
    EXPECT_EQ(state.failures, 0);
    EXPECT_EQ(state.freeze_count, 0);
    EXPECT_FALSE(state.frozen_until);
    EXPECT_EQ(state.updated_at, 0);
}

TYPED_TEST(LockoutTest, UpdateStoresWhatTheCallbackDecidedAndResetForgets) {
    auto& lockouts = this->store().lockouts();
    for (int i = 0; i < 5; ++i) {
        lockouts.update("key", t0 + i, [&](LockoutState& s) {
            ++s.failures;
            if (s.failures == 5) {
                ++s.freeze_count;
                s.frozen_until = t0 + i + 600;
            }
        });
    }
    auto state = lockouts.get("key");
    EXPECT_EQ(state.failures, 5);
    EXPECT_EQ(state.freeze_count, 1);
    EXPECT_EQ(state.frozen_until, t0 + 604);
    EXPECT_EQ(state.updated_at, t0 + 4);
    auto cleared = lockouts.update("key", t0 + 700, [](LockoutState& s) {
        s.failures = 0;
        s.frozen_until.reset();
    });
    EXPECT_EQ(cleared.freeze_count, 1);
    EXPECT_FALSE(lockouts.get("key").frozen_until);
    lockouts.reset("key");
    EXPECT_EQ(lockouts.get("key").freeze_count, 0);
    EXPECT_EQ(this->db().transaction([&](Connection& c) {
        lockouts.update(c, "old", t0, [](LockoutState& s) { ++s.failures; });
        return lockouts.delete_stale(c, t0 + 1);
    }), 1);
}

TYPED_TEST(LockoutTest, ReservedAttemptsAreKeptWithTheState) {
    auto& lockouts = this->store().lockouts();
    lockouts.update("key", t0, [](LockoutState& s) {
        s.reserved = 2;
        s.reserved_at = t0;
    });
    auto state = lockouts.get("key");
    EXPECT_EQ(state.reserved, 2);
    EXPECT_EQ(state.reserved_at, t0);
    lockouts.update("key", t0 + 1, [](LockoutState& s) {
        s.reserved = 0;
        s.reserved_at.reset();
    });
    EXPECT_EQ(lockouts.get("key").reserved, 0);
    EXPECT_FALSE(lockouts.get("key").reserved_at);
}

TYPED_TEST(LockoutTest, ParallelFailuresAreAllCounted) {
    constexpr int threads = 8, failures = 50;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            for (int i = 0; i < failures; ++i) {
                this->store().lockouts().update("same-key", t0 + i, [](LockoutState& s) { ++s.failures; });
            }
        });
    }
    for (auto& t : pool) t.join();
    EXPECT_EQ(this->store().lockouts().get("same-key").failures, threads * failures);
}

template <class B>
class VerificationCodesTest : public StoreTest<B> {
protected:
    std::int64_t new_code(const std::string& digest = "digest-123456", std::int64_t max_attempts = 3) {
        return this->store().verification_codes().create(
            {"creation", "draft:abc", "sms", digest, t0 + 600, max_attempts}, t0);
    }
};
TYPED_TEST_SUITE(VerificationCodesTest, Backends, BackendNames);

TYPED_TEST(VerificationCodesTest, RightCodeVerifiesOnceAndWrongTriesAreCounted) {
    auto& codes = this->store().verification_codes();
    const auto id = this->new_code();
    auto wrong = codes.verify(id, "digest-000000", t0 + 1);
    EXPECT_EQ(wrong.outcome, VerifyOutcome::wrong_code);
    EXPECT_EQ(wrong.attempts_left, 2);
    auto right = codes.verify(id, "digest-123456", t0 + 2);
    EXPECT_EQ(right.outcome, VerifyOutcome::verified);
    EXPECT_EQ(codes.verify(id, "digest-123456", t0 + 3).outcome, VerifyOutcome::already_used);
    auto stored = codes.find(id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->attempts, 2);
    EXPECT_EQ(stored->consumed_at, t0 + 2);
    EXPECT_EQ(stored->purpose, "creation");
    EXPECT_EQ(stored->subject, "draft:abc");
    EXPECT_EQ(stored->channel, "sms");
    EXPECT_EQ(stored->sends, 1);
    EXPECT_EQ(stored->last_sent_at, t0);
    EXPECT_EQ(codes.verify(id + 100, "x", t0).outcome, VerifyOutcome::not_found);
}

TYPED_TEST(VerificationCodesTest, TriesRunOutAndCodesExpire) {
    auto& codes = this->store().verification_codes();
    const auto id = this->new_code();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(codes.verify(id, "bad", t0 + i).outcome, VerifyOutcome::wrong_code);
    EXPECT_EQ(codes.verify(id, "digest-123456", t0 + 5).outcome, VerifyOutcome::too_many_attempts);
    const auto other = this->new_code("d2");
    EXPECT_EQ(codes.verify(other, "d2", t0 + 600).outcome, VerifyOutcome::expired);
}

TYPED_TEST(VerificationCodesTest, ResendReplacesTheCodeAndCountsTheSend) {
    auto& codes = this->store().verification_codes();
    const auto id = this->new_code();
    codes.verify(id, "bad", t0 + 1);
    EXPECT_TRUE(codes.resend(id, "digest-654321", t0 + 700, t0 + 100));
    auto code = codes.find(id);
    EXPECT_EQ(code->sends, 2);
    EXPECT_EQ(code->last_sent_at, t0 + 100);
    EXPECT_EQ(code->attempts, 0);
    EXPECT_EQ(codes.verify(id, "digest-123456", t0 + 101).outcome, VerifyOutcome::wrong_code);
    EXPECT_EQ(codes.verify(id, "digest-654321", t0 + 650).outcome, VerifyOutcome::verified);
    EXPECT_FALSE(codes.resend(id, "again", t0 + 800, t0 + 200));  // consumed
    this->db().transaction([&](Connection& c) {
        const auto newer = codes.create(c, {"creation", "draft:abc", "email", "d3", t0 + 900, 5}, t0 + 300);
        auto latest = codes.latest(c, "creation", "draft:abc");
        ASSERT_TRUE(latest);
        EXPECT_EQ(latest->id, newer);
        EXPECT_FALSE(codes.latest(c, "recovery", "draft:abc"));
        EXPECT_EQ(codes.delete_expired(c, t0 + 800), 1);
    });
}

TYPED_TEST(VerificationCodesTest, ParallelTriesAreAllCounted) {
    auto& codes = this->store().verification_codes();
    const auto id = this->new_code("d", 1000);
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t) {
        pool.emplace_back([&] {
            for (int i = 0; i < 10; ++i) codes.verify(id, "bad", t0 + 1);
        });
    }
    for (auto& t : pool) t.join();
    EXPECT_EQ(codes.find(id)->attempts, 40);
}

template <class B>
class RateLimitsTest : public StoreTest<B> {};
TYPED_TEST_SUITE(RateLimitsTest, Backends, BackendNames);

TYPED_TEST(RateLimitsTest, HitsAreAllowedUpToTheMaximumPerWindow) {
    auto& limits = this->store().rate_limits();
    for (int i = 1; i <= 3; ++i) {
        auto d = limits.hit("resend:abc", t0 + i, 60, 3);
        EXPECT_TRUE(d.allowed);
        EXPECT_EQ(d.hits, i);
    }
    auto refused = limits.hit("resend:abc", t0 + 10, 60, 3);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 51);  // the window started at t0 + 1
    EXPECT_TRUE(limits.hit("resend:other", t0 + 10, 60, 3).allowed);
    auto next_window = limits.hit("resend:abc", t0 + 61, 60, 3);
    EXPECT_TRUE(next_window.allowed);
    EXPECT_EQ(next_window.hits, 1);
    this->db().transaction([&](Connection& c) {
        limits.reset(c, "resend:abc");
        EXPECT_EQ(limits.delete_stale(c, t0 + 11), 1);
    });
    EXPECT_EQ(limits.hit("resend:abc", t0 + 62, 60, 3).hits, 1);
}

TYPED_TEST(RateLimitsTest, ParallelHitsNeverExceedTheMaximum) {
    std::atomic<int> allowed{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < 6; ++t) {
        pool.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                if (this->store().rate_limits().hit("k", t0, 3600, 25).allowed) ++allowed;
            }
        });
    }
    for (auto& t : pool) t.join();
    EXPECT_EQ(allowed, 25);
}

}  // namespace
}  // namespace caf::storage::testing
