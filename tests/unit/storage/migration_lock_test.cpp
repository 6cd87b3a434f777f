// Concurrent migrators: exactly one applies each version, on both backends; on MariaDB the lock
// is a replicated row (Galera does not share GET_LOCK), waited for, leased, and releasable.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "storage/migrations.hpp"
#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

std::vector<int> all_versions() {
    std::vector<int> all;
    for (const auto& m : migrations()) all.push_back(m.version);
    return all;
}

template <class B>
class MigrationLockTest : public ::testing::Test {};
TYPED_TEST_SUITE(MigrationLockTest, Backends, BackendNames);

TYPED_TEST(MigrationLockTest, FourMigratorsAtOnceApplyEachVersionExactlyOnce) {
    const std::string url = TypeParam::create();
    ASSERT_FALSE(url.empty());
    constexpr int migrators = 4;
    std::vector<int> applied[migrators];
    std::vector<int> seen[migrators];
    std::vector<std::thread> threads;
    for (int i = 0; i < migrators; ++i) {
        // One Database each, as separate processes (or Galera nodes) would have.
        threads.emplace_back([&, i] {
            try {
                auto db = open_database(url, 2);
                applied[i] = migrate(*db);
                seen[i] = applied_versions(*db);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "migrator " << i << " failed: " << e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    std::vector<int> union_of_applied;
    for (const auto& a : applied) union_of_applied.insert(union_of_applied.end(), a.begin(), a.end());
    std::sort(union_of_applied.begin(), union_of_applied.end());
    EXPECT_EQ(union_of_applied, all_versions()) << "a version applied twice or not at all";
    for (const auto& s : seen) EXPECT_EQ(s, all_versions());
    TypeParam::destroy(url);
}

TYPED_TEST(MigrationLockTest, ReleasingAFreeLockReleasesNothing) {
    const std::string url = TypeParam::create();
    ASSERT_FALSE(url.empty());
    {
        auto db = open_database(url, 1);
        migrate(*db);
        EXPECT_EQ(release_migration_lock(*db), std::nullopt);
    }
    TypeParam::destroy(url);
}

// The lock row's behaviour, MariaDB only: SQLite keeps its exclusive transaction.
class MariadbMigrationLock : public ::testing::Test {
protected:
    void SetUp() override {
        url_ = MariadbBackend::create();
        if (url_.empty()) GTEST_FAIL() << "no MariaDB server";
        db_ = open_database(url_, 2);
        migrate(*db_);
    }
    void TearDown() override {
        db_.reset();
        if (!url_.empty()) MariadbBackend::destroy(url_);
    }

    // What a migrator on another node, alive or dead, leaves in the table.
    void hold_lock(const std::string& owner, std::int64_t seconds_ago) {
        db_->transaction([&](Connection& c) {
            c.exec("INSERT INTO schema_migration_lock (id, owner, taken_at) "
                   "VALUES (1, ?, CAST(UNIX_TIMESTAMP() AS SIGNED) - ?)",
                   {owner, seconds_ago});
        });
    }
    std::int64_t lock_rows() {
        return db_->read([](Connection& c) {
            return c.query_one("SELECT COUNT(*) FROM schema_migration_lock")->integer(0);
        });
    }

    std::string url_;
    std::unique_ptr<Database> db_;
};

TEST_F(MariadbMigrationLock, TheLockRowIsGoneAfterAMigration) {
    EXPECT_EQ(lock_rows(), 0);
    EXPECT_TRUE(migrate(*db_).empty());
    EXPECT_EQ(lock_rows(), 0);
}

TEST_F(MariadbMigrationLock, AHeldLockMakesTheNextMigratorWaitUntilItIsFreed) {
    hold_lock("db2:4242#1", 0);
    auto waiting = std::async(std::launch::async, [&] {
        auto db = open_database(url_, 1);
        return migrate(*db, {.wait = std::chrono::seconds(30), .lease = std::chrono::seconds(600)});
    });
    EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(1200)), std::future_status::timeout)
        << "the second migrator did not wait for the lock";
    db_->transaction([](Connection& c) { c.exec("DELETE FROM schema_migration_lock WHERE id = 1"); });
    ASSERT_EQ(waiting.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_TRUE(waiting.get().empty()) << "it re-reads the applied versions once it holds the lock";
    EXPECT_EQ(lock_rows(), 0);
}

TEST_F(MariadbMigrationLock, ALockHeldPastTheWaitIsAFatalErrorNamingItsHolder) {
    hold_lock("db2:4242#1", 5);
    const auto start = std::chrono::steady_clock::now();
    try {
        migrate(*db_, {.wait = std::chrono::seconds(1), .lease = std::chrono::seconds(600)});
        FAIL() << "migrate returned while another migrator held the lock";
    } catch (const StoreError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("db2:4242#1"), std::string::npos) << message;
        EXPECT_NE(message.find("--release-lock"), std::string::npos) << message;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_EQ(lock_rows(), 1) << "a live holder's row stays";
}

TEST_F(MariadbMigrationLock, AStaleLockOfACrashedMigratorIsTakenOver) {
    hold_lock("db3:17#1", 3600);
    // Without the takeover this would wait the 5 s, then throw.
    EXPECT_TRUE(migrate(*db_, {.wait = std::chrono::seconds(5), .lease = std::chrono::seconds(600)}).empty());
    EXPECT_EQ(lock_rows(), 0);
}

TEST_F(MariadbMigrationLock, ReleaseLockRemovesTheRowWhoeverHoldsIt) {
    hold_lock("db3:17#1", 0);
    EXPECT_EQ(release_migration_lock(*db_), std::optional<std::string>("db3:17#1"));
    EXPECT_EQ(lock_rows(), 0);
    EXPECT_TRUE(migrate(*db_, {.wait = std::chrono::seconds(1), .lease = std::chrono::seconds(600)}).empty());
}

}  // namespace
}  // namespace caf::storage::testing
