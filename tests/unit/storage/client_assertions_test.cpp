// Client assertion jtis: each accepted once per client until it expires, even from two nodes at
// once, on both backends.
#include <atomic>
#include <thread>

#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class ClientAssertionsTest : public StoreTest<B> {};
TYPED_TEST_SUITE(ClientAssertionsTest, Backends, BackendNames);

TYPED_TEST(ClientAssertionsTest, AJtiIsAcceptedOncePerClientUntilItExpires) {
    auto& jtis = this->store().client_assertions();
    EXPECT_TRUE(jtis.remember("jwt-client", "jti-1", t0 + 60, t0));
    EXPECT_FALSE(jtis.remember("jwt-client", "jti-1", t0 + 60, t0 + 1));
    EXPECT_FALSE(jtis.remember("jwt-client", "jti-1", t0 + 90, t0 + 59));
    EXPECT_TRUE(jtis.remember("other-client", "jti-1", t0 + 60, t0 + 1)) << "jtis are per client";
    EXPECT_TRUE(jtis.remember("jwt-client", "jti-2", t0 + 60, t0 + 1));
    // Once the first assertion has expired its jti is free again, for the new expiry.
    EXPECT_TRUE(jtis.remember("jwt-client", "jti-1", t0 + 200, t0 + 60));
    EXPECT_FALSE(jtis.remember("jwt-client", "jti-1", t0 + 200, t0 + 100));
}

TYPED_TEST(ClientAssertionsTest, TwoNodesRememberingTheSameJtiAtOnceGetExactlyOneTrue) {
    // Two Database objects on one database: two nodes, each with its own connection pool.
    auto other_node = open_database(this->url_, 4);
    for (int round = 0; round < 5; ++round) {
        const std::string jti = "jti-" + std::to_string(round);
        std::atomic<int> accepted{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&, i] {
                Database& db = i % 2 == 0 ? this->db() : *other_node;
                ClientAssertions jtis(db);
                while (!go) std::this_thread::yield();
                if (jtis.remember("jwt-client", jti, t0 + 60, t0)) ++accepted;
            });
        }
        go = true;
        for (auto& t : threads) t.join();
        EXPECT_EQ(accepted, 1) << jti;
    }
}

TYPED_TEST(ClientAssertionsTest, ExpiredJtisAreDeleted) {
    auto& jtis = this->store().client_assertions();
    ASSERT_TRUE(jtis.remember("jwt-client", "old", t0 + 60, t0));
    ASSERT_TRUE(jtis.remember("jwt-client", "new", t0 + 120, t0));
    EXPECT_EQ(jtis.delete_expired(t0 + 60), 1);
    EXPECT_FALSE(jtis.remember("jwt-client", "new", t0 + 120, t0 + 61));
    EXPECT_TRUE(jtis.remember("jwt-client", "old", t0 + 180, t0 + 61));
}

}  // namespace
}  // namespace caf::storage::testing
