// The readiness probe's view of the store, on both backends: ready after a successful write,
// unready at once when the write fails, and each change reported once.
#include <chrono>
#include <string>
#include <vector>

#include "storage/cleanup.hpp"
#include "storage/migrations.hpp"
#include "storage/store_health.hpp"
#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

using namespace std::chrono_literals;

template <class B>
class StoreHealthTest : public StoreTest<B> {
protected:
    std::vector<std::string> events_;
    StoreHealth::Report recorder() {
        return [this](std::string_view event, std::string_view) { events_.emplace_back(event); };
    }
    std::int64_t rows(const std::string& node) {
        return this->db().read([&](Connection& c) {
            return c.query_one("SELECT COUNT(*) FROM health_probes WHERE node = ?", {node})->integer(0);
        });
    }
};
TYPED_TEST_SUITE(StoreHealthTest, Backends, BackendNames);

TYPED_TEST(StoreHealthTest, NotReadyBeforeTheFirstProbeThenReadyWithOneRowPerNode) {
    StoreHealth health(this->db(), "node-a", 1h, this->recorder());
    EXPECT_FALSE(health.ready());
    health.probe(t0);
    health.probe(t0 + 1);
    EXPECT_TRUE(health.ready());
    EXPECT_EQ(this->rows("node-a"), 1);
    EXPECT_TRUE(this->events_.empty());  // no change of state to report
    health.forget();
    EXPECT_EQ(this->rows("node-a"), 0);
}

TYPED_TEST(StoreHealthTest, AFailedWriteMakesItUnreadyAtOnceAndRecoveryIsReportedOnce) {
    StoreHealth health(this->db(), "node-b", 1h, this->recorder());
    health.probe(t0);
    ASSERT_TRUE(health.ready());
    // The store still reads but refuses the write: the table has gone.
    this->db().session([](Connection& c) { c.exec("DROP TABLE health_probes"); });
    health.probe(t0 + 1);
    health.probe(t0 + 2);
    EXPECT_FALSE(health.ready());
    this->db().session([](Connection& c) {
        c.exec(render_ddl("CREATE TABLE health_probes (node {str} NOT NULL PRIMARY KEY, probed_at {int} NOT NULL){table}",
                          c.dialect()));
    });
    health.probe(t0 + 3);
    EXPECT_TRUE(health.ready());
    EXPECT_EQ(this->events_, (std::vector<std::string>{"store.unavailable", "store.available"}));
}

TYPED_TEST(StoreHealthTest, AnOldSuccessIsNotReady) {
    StoreHealth health(this->db(), "node-c", 0ms);
    health.probe(t0);
    EXPECT_FALSE(health.ready());  // a probe stuck since then would look like this
}

TYPED_TEST(StoreHealthTest, TheRowOfANodeKilledLongAgoIsPurged) {
    StoreHealth gone(this->db(), "node-killed", 1h);
    gone.probe(t0);
    StoreHealth alive(this->db(), "node-alive", 1h);
    alive.probe(t0 + 7200);
    auto report = purge_expired(this->db(), t0 + 7200);
    EXPECT_EQ(report.health_probes, 1);
    EXPECT_EQ(this->rows("node-killed"), 0);
    EXPECT_EQ(this->rows("node-alive"), 1);
}

}  // namespace
}  // namespace caf::storage::testing
