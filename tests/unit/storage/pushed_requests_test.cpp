// Pushed authorization requests in the store: taken once, by the client that pushed them, before
// they expire — even by two nodes at once — on both backends.
#include <atomic>
#include <thread>

#include "storage/pushed_requests.hpp"
#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class PushedRequestsTest : public StoreTest<B> {
protected:
    PushedRequest pushed(const std::string& digest, std::int64_t expires_at = t0 + 60,
                         const std::string& client_id = "caf-portal") {
        return {digest, client_id, {{"client_id", client_id}, {"redirect_uri", "https://www.caf.test/callback"}},
                expires_at};
    }
};
TYPED_TEST_SUITE(PushedRequestsTest, Backends, BackendNames);

TYPED_TEST(PushedRequestsTest, APushedRequestIsTakenOnceWithItsParameters) {
    PushedRequests requests(this->db());
    requests.create(this->pushed("digest-1"));
    auto taken = requests.consume("digest-1", "caf-portal", t0 + 1);
    ASSERT_TRUE(taken.has_value());
    EXPECT_EQ(taken->client_id, "caf-portal");
    EXPECT_EQ(taken->params.at("redirect_uri"), "https://www.caf.test/callback");
    EXPECT_EQ(taken->expires_at, t0 + 60);
    EXPECT_FALSE(requests.consume("digest-1", "caf-portal", t0 + 2).has_value()) << "single use";
}

TYPED_TEST(PushedRequestsTest, AnExpiredRequestIsRefused) {
    PushedRequests requests(this->db());
    requests.create(this->pushed("digest-1", t0 + 60));
    EXPECT_FALSE(requests.consume("digest-1", "caf-portal", t0 + 60).has_value());
    EXPECT_FALSE(requests.consume("digest-1", "caf-portal", t0 + 61).has_value());
}

TYPED_TEST(PushedRequestsTest, AnotherClientCannotTakeItNorUseItUp) {
    PushedRequests requests(this->db());
    requests.create(this->pushed("digest-1"));
    EXPECT_FALSE(requests.consume("digest-1", "caf-mobile", t0 + 1).has_value());
    EXPECT_TRUE(requests.consume("digest-1", "caf-portal", t0 + 2).has_value())
        << "the client that pushed it still can";
}

TYPED_TEST(PushedRequestsTest, TwoNodesConsumingTheSameRequestAtOnceGetItExactlyOnce) {
    // Two Database objects on one database: two nodes, each with its own connection pool.
    auto other_node = open_database(this->url_, 4);
    for (int round = 0; round < 5; ++round) {
        const std::string digest = "digest-" + std::to_string(round);
        PushedRequests(this->db()).create(this->pushed(digest));
        std::atomic<int> taken{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&, i] {
                Database& db = i % 2 == 0 ? this->db() : *other_node;
                PushedRequests requests(db);
                while (!go) std::this_thread::yield();
                if (requests.consume(digest, "caf-portal", t0 + 1)) ++taken;
            });
        }
        go = true;
        for (auto& t : threads) t.join();
        EXPECT_EQ(taken, 1) << digest;
    }
}

TYPED_TEST(PushedRequestsTest, ExpiredRequestsArePurged) {
    PushedRequests requests(this->db());
    requests.create(this->pushed("old", t0 + 60));
    requests.create(this->pushed("new", t0 + 120));
    EXPECT_EQ(purge_expired(this->db(), t0 + 60).pushed_requests, 1);
    EXPECT_TRUE(requests.consume("new", "caf-portal", t0 + 61).has_value());
}

}  // namespace
}  // namespace caf::storage::testing
