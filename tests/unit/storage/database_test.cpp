// The Database abstraction and the migration runner, on both backends.
#include <thread>
#include <vector>

#include "storage/url.hpp"
#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class DatabaseTest : public StoreTest<B> {};
TYPED_TEST_SUITE(DatabaseTest, Backends, BackendNames);

TYPED_TEST(DatabaseTest, ValuesRoundTripWithTheirTypes) {
    auto& db = this->db();
    db.session([](Connection& c) {
        c.exec(render_ddl("CREATE TABLE value_probe (id {id}, i {int} NULL, r DOUBLE NULL, t {text} NULL, "
                          "k {key} NULL, b {blob} NULL){table}",
                          c.dialect()));
    });
    // "\x00" "byte" apart: "\x00b" would be one hex escape (a vertical tab), not a NUL then 'b'.
    const std::string binary("\x00\xff\xfe\x80 zero\x00" "byte", 14);
    const std::string text = "Zohra TADJ — é à ç 日本 🙂";
    db.transaction([&](Connection& c) {
        c.exec("INSERT INTO value_probe (i, r, t, k, b) VALUES (?, ?, ?, ?, ?)",
               {std::int64_t{9'007'199'254'740'993}, 2.5, text, Blob{binary}, Blob{""}});
        c.exec("INSERT INTO value_probe (i, r, t, k, b) VALUES (?, ?, ?, ?, ?)",
               {nullptr, nullptr, nullptr, nullptr, nullptr});
    });
    auto rows = db.read([](Connection& c) { return c.query("SELECT i, r, t, k, b FROM value_probe ORDER BY id"); });
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].integer("i"), 9'007'199'254'740'993);
    EXPECT_DOUBLE_EQ(rows[0].real("r"), 2.5);
    EXPECT_EQ(rows[0].text("t"), text);
    EXPECT_EQ(rows[0].blob("k"), binary);
    EXPECT_FALSE(rows[0].is_null("b"));
    EXPECT_EQ(rows[0].blob("b"), "");
    for (const char* column : {"i", "r", "t", "k", "b"}) EXPECT_TRUE(rows[1].is_null(column)) << column;
    EXPECT_FALSE(rows[1].optional_integer("i").has_value());
    EXPECT_THROW(rows[1].integer("i"), StoreError);
    // Lookups by a blob parameter match byte for byte.
    auto found = db.read([&](Connection& c) { return c.query("SELECT id FROM value_probe WHERE k = ?", {Blob{binary}}); });
    EXPECT_EQ(found.size(), 1u);
}

TYPED_TEST(DatabaseTest, LastInsertIdAndAffectedRows) {
    auto& db = this->db();
    auto [first, second, updated, unchanged] = db.transaction([](Connection& c) {
        c.exec("INSERT INTO audit_log (at, actor_type, action, details) VALUES (?, 'system', 'a', '{}')", {t0});
        const auto id1 = c.last_insert_id();
        c.exec("INSERT INTO audit_log (at, actor_type, action, details) VALUES (?, 'system', 'b', '{}')", {t0});
        const auto id2 = c.last_insert_id();
        const auto n = c.exec("UPDATE audit_log SET at = ? WHERE at = ?", {t0 + 1, t0});
        // Found rows, not changed rows: the same value still counts (MariaDB CLIENT_FOUND_ROWS).
        const auto same = c.exec("UPDATE audit_log SET at = ? WHERE id = ?", {t0 + 1, id1});
        return std::tuple{id1, id2, n, same};
    });
    EXPECT_GT(first, 0);
    EXPECT_EQ(second, first + 1);
    EXPECT_EQ(updated, 2);
    EXPECT_EQ(unchanged, 1);
}

TYPED_TEST(DatabaseTest, TransactionThatThrowsHalfWayLeavesNothingWritten) {
    struct HalfWay {};
    EXPECT_THROW(this->db().transaction([&](Connection& c) {
        NewAccount a;
        a.nir_lookup = "half-way";
        this->store().accounts().create(c, a, t0);
        this->store().audit_log().append(c, {t0, "system", std::nullopt, "account.created", std::nullopt, {}});
        throw HalfWay{};
    }),
                 HalfWay);
    EXPECT_FALSE(this->store().accounts().find_by_nir_lookup("half-way").has_value());
    EXPECT_TRUE(this->store().audit_log().list(AuditQuery{}).empty());
    // The connection went back to the pool in a clean state: the next transaction works.
    EXPECT_GT(this->new_account("after"), 0);
}

TYPED_TEST(DatabaseTest, NestedTransactionIsRefusedInsteadOfDeadlocking) {
    try {
        this->db().transaction([&](Connection&) { this->db().read([](Connection&) {}); });
        FAIL() << "nested transaction accepted";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::other);
    }
}

TYPED_TEST(DatabaseTest, ConflictIsReportedWithoutTheBoundValues) {
    this->new_account("NIR-LOOKUP-SECRET-1630631555082");
    try {
        this->new_account("NIR-LOOKUP-SECRET-1630631555082");
        FAIL() << "duplicate accepted";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
        EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("1630631555082"), std::string::npos) << e.what();
    }
}

TYPED_TEST(DatabaseTest, BadSqlIsOtherAndNamesTheStatement) {
    try {
        this->db().read([](Connection& c) { c.query("SELECT no_such_column FROM accounts"); });
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::other);
        EXPECT_NE(std::string(e.what()).find("no_such_column"), std::string::npos) << e.what();
    }
}

TYPED_TEST(DatabaseTest, PingAnswers) {
    EXPECT_TRUE(this->db().ping());
    EXPECT_TRUE(this->store().ping());
}

TYPED_TEST(DatabaseTest, MigrateTwiceIsANoOp) {
    // SetUp already migrated.
    EXPECT_TRUE(this->store().migrate().empty());
    EXPECT_TRUE(migrate(this->db()).empty());
    std::vector<int> all;
    for (const auto& m : migrations()) all.push_back(m.version);
    EXPECT_EQ(applied_versions(this->db()), all);
}

TYPED_TEST(DatabaseTest, TwoProcessesMigratingAtOnceApplyEachVersionOnce) {
    const std::string url = TypeParam::create();
    ASSERT_FALSE(url.empty());
    std::vector<int> applied[2];
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
        // Separate Database objects: as two processes would have.
        threads.emplace_back([&, i] {
            try {
                auto db = open_database(url, 2);
                applied[i] = migrate(*db);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "migration " << i << " failed: " << e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(applied[0].size() + applied[1].size(), migrations().size());
    {
        auto db = open_database(url, 1);
        EXPECT_EQ(applied_versions(*db).size(), migrations().size());
        EXPECT_TRUE(migrate(*db).empty());
    }
    TypeParam::destroy(url);
}

TYPED_TEST(DatabaseTest, ConcurrentTransactionsFromManyThreadsAllCommit) {
    constexpr int threads = 8, per_thread = 25;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                this->store().audit_log().append({t0 + i, "system", std::to_string(t), "probe", std::nullopt, {}});
            }
        });
    }
    for (auto& t : pool) t.join();
    AuditQuery q;
    q.limit = 1000;
    EXPECT_EQ(this->store().audit_log().list(q).size(), static_cast<std::size_t>(threads * per_thread));
}

TEST(MysqlUrl, ParsesEveryPartAndPercentDecodes) {
    auto u = parse_mysql_url("mysql://caf%40user:p%3Ass%2Fw%40rd@db.example:3307/caf_connect");
    EXPECT_EQ(u.user, "caf@user");
    EXPECT_EQ(u.password, "p:ss/w@rd");
    EXPECT_EQ(u.host, "db.example");
    EXPECT_EQ(u.port, 3307);
    EXPECT_EQ(u.database, "caf_connect");
}

TEST(MysqlUrl, DefaultsAndIpv6) {
    auto u = parse_mysql_url("mysql://root@127.0.0.1/");
    EXPECT_EQ(u.user, "root");
    EXPECT_EQ(u.password, "");
    EXPECT_EQ(u.port, 3306);
    EXPECT_EQ(u.database, "");
    auto v = parse_mysql_url("mysql://u:p@[::1]:3310/x");
    EXPECT_EQ(v.host, "::1");
    EXPECT_EQ(v.port, 3310);
}

TEST(MysqlUrl, MalformedIsRefusedWithoutEchoingThePassword) {
    for (const char* bad : {"mysql://u:topsecret@host:99999/db", "mysql://u:topsecret@:3306/db",
                            "mysql://u:top%zzsecret@host/db", "mysql://u:topsecret@host:abc/db"}) {
        try {
            parse_mysql_url(bad);
            ADD_FAILURE() << "accepted";
        } catch (const StoreError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::other);
            EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos);
        }
    }
}

TEST(OpenDatabase, UnknownSchemeIsRefused) {
    EXPECT_THROW(open_database("postgres://x/y"), StoreError);
}

TEST(OpenDatabase, UnreachableMariadbIsUnavailable) {
    try {
        open_database("mysql://nobody:nothing@127.0.0.1:1/none", 1);
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::unavailable);
    }
}

TEST(Dialect, RendersTypesPerBackend) {
    const Dialect sqlite{Dialect::Kind::sqlite}, mariadb{Dialect::Kind::mariadb};
    EXPECT_EQ(render_ddl("CREATE TABLE t (id {id}, k {key}){table}", sqlite),
              "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k BLOB)");
    EXPECT_EQ(render_ddl("x {key} {str}", mariadb), "x VARBINARY(255) VARCHAR(255)");
    EXPECT_EQ(sqlite.for_update(), "");
    EXPECT_EQ(mariadb.for_update(), " FOR UPDATE");
    EXPECT_EQ(sqlite.upsert("a", {"b"}), " ON CONFLICT(a) DO UPDATE SET b = excluded.b");
    EXPECT_EQ(mariadb.upsert("a", {"b", "c"}), " ON DUPLICATE KEY UPDATE b = VALUES(b), c = VALUES(c)");
}

TEST(Dialect, InlineIndexesBecomeCreateIndexOnSqlite) {
    const std::string_view ddl = "CREATE TABLE IF NOT EXISTS t (\n    a {int} NOT NULL,\n    b {str} NULL,\n"
                                 "    INDEX t_a (a),\n    INDEX t_ab (a, b)\n){table}";
    auto sqlite = render_statements(ddl, Dialect{Dialect::Kind::sqlite});
    ASSERT_EQ(sqlite.size(), 3u);
    EXPECT_EQ(sqlite[0], "CREATE TABLE IF NOT EXISTS t (\n    a INTEGER NOT NULL,\n    b TEXT NULL\n)");
    EXPECT_EQ(sqlite[1], "CREATE INDEX IF NOT EXISTS t_a ON t (a)");
    EXPECT_EQ(sqlite[2], "CREATE INDEX IF NOT EXISTS t_ab ON t (a, b)");
    auto mariadb = render_statements(ddl, Dialect{Dialect::Kind::mariadb});
    ASSERT_EQ(mariadb.size(), 1u);
    EXPECT_NE(mariadb[0].find("INDEX t_ab (a, b)\n) ENGINE=InnoDB"), std::string::npos);
}

}  // namespace
}  // namespace caf::storage::testing

namespace caf::storage::testing {
namespace {

// MariaDB only: a pooled connection the server closed is replaced, and the transaction that
// found it broken runs again on a fresh one (nothing had been committed).
TEST(MariadbPool, ConnectionKilledByTheServerIsReplacedTransparently) {
    const std::string url = MariadbBackend::create();
    ASSERT_FALSE(url.empty());
    {
        auto db = open_database(url, 1);
        const auto before = db->read([](Connection& c) { return c.query_one("SELECT CONNECTION_ID()")->integer(0); });
        auto admin = open_database(url, 1);
        admin->session([&](Connection& c) { c.exec("KILL CONNECTION " + std::to_string(before)); });
        const auto after =
            db->transaction([](Connection& c) { return c.query_one("SELECT CONNECTION_ID()")->integer(0); });
        EXPECT_NE(after, before);
        EXPECT_TRUE(db->ping());
    }
    MariadbBackend::destroy(url);
}

}  // namespace
}  // namespace caf::storage::testing
