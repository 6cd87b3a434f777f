// DPoP state on both backends: an accepted proof is remembered once until its window ends, even
// from two nodes at once; refresh token families keep their key; both are purged once expired.
#include <atomic>
#include <thread>

#include "storage/cleanup.hpp"
#include "storage/dpop_bound_families.hpp"
#include "storage/dpop_proof_jtis.hpp"
#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class DpopStoreTest : public StoreTest<B> {};
TYPED_TEST_SUITE(DpopStoreTest, Backends, BackendNames);

TYPED_TEST(DpopStoreTest, AProofIsAcceptedOnceUntilItsWindowEnds) {
    DpopProofJtis jtis(this->db());
    EXPECT_TRUE(jtis.remember("proof-1", t0 + 61, t0));
    EXPECT_FALSE(jtis.remember("proof-1", t0 + 61, t0 + 1));
    EXPECT_FALSE(jtis.remember("proof-1", t0 + 61, t0 + 60));
    EXPECT_TRUE(jtis.remember("proof-2", t0 + 61, t0 + 1));
    EXPECT_TRUE(jtis.remember("proof-1", t0 + 200, t0 + 61)) << "an expired entry frees its digest";
}

TYPED_TEST(DpopStoreTest, TwoNodesPresentingTheSameProofAtOnceGetExactlyOneAcceptance) {
    auto other_node = open_database(this->url_, 4);
    for (int round = 0; round < 5; ++round) {
        const std::string digest = "proof-" + std::to_string(round);
        std::atomic<int> accepted{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&, i] {
                DpopProofJtis jtis(i % 2 == 0 ? this->db() : *other_node);
                while (!go) std::this_thread::yield();
                if (jtis.remember(digest, t0 + 61, t0)) ++accepted;
            });
        }
        go = true;
        for (auto& t : threads) t.join();
        EXPECT_EQ(accepted, 1) << digest;
    }
}

TYPED_TEST(DpopStoreTest, BoundFamiliesKeepTheirKeyAndBothArePurgedOnceExpired) {
    DpopBoundFamilies families(this->db());
    this->db().transaction([&](Connection& c) {
        families.bind(c, "family-old", "jkt-old", t0 + 10);
        families.bind(c, "family-live", "jkt-live", t0 + 5000);
    });
    EXPECT_EQ(families.jkt_of("family-live"), "jkt-live");
    EXPECT_FALSE(families.jkt_of("family-unbound").has_value());
    DpopProofJtis jtis(this->db());
    ASSERT_TRUE(jtis.remember("proof-old", t0 + 10, t0));
    ASSERT_TRUE(jtis.remember("proof-live", t0 + 5000, t0));

    auto report = purge_expired(this->db(), t0 + 100);
    EXPECT_EQ(report.dpop_proof_jtis, 1);
    EXPECT_EQ(report.dpop_bound_families, 1);
    EXPECT_FALSE(families.jkt_of("family-old").has_value());
    EXPECT_EQ(families.jkt_of("family-live"), "jkt-live");
    EXPECT_FALSE(jtis.remember("proof-live", t0 + 5000, t0 + 100));
}

}  // namespace
}  // namespace caf::storage::testing
