// Ending an SSO session, client assertion jtis, the refresh token's authentication context,
// migration 6 over existing data and the purge of expired rows, on both backends.
#include <atomic>
#include <thread>

#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class SessionEndTest : public StoreTest<B> {
protected:
    void open_session(std::int64_t account, const std::string& digest) {
        Session s;
        s.digest = digest;
        s.account_id = account;
        s.auth_time = t0;
        s.amr = {"pwd"};
        s.acr = "eidas1";
        s.created_at = t0;
        s.last_seen_at = t0;
        s.idle_expires_at = t0 + 1800;
        s.absolute_expires_at = t0 + 3600;
        this->store().sessions().create(s);
    }
    void refresh(const std::string& digest, std::int64_t account, const std::string& scope,
                 const std::string& session = "s1") {
        RefreshToken t;
        t.digest = digest;
        t.family_id = "family-" + digest;
        t.client_id = "mobile";
        t.account_id = account;
        t.scope = scope;
        t.session_digest = session;
        t.created_at = t0;
        t.expires_at = t0 + 86'400;
        t.idle_expires_at = t0 + 3600;
        this->store().refresh_tokens().create(t);
    }
    void access(const std::string& jti, std::int64_t account, const std::string& session = "s1") {
        AccessToken t;
        t.jti = jti;
        t.client_id = "portal";
        t.account_id = account;
        t.scope = "openid";
        t.issued_at = t0;
        t.expires_at = t0 + 300;
        t.session_digest = session;
        this->store().access_tokens().record(t);
    }
    bool refresh_revoked(const std::string& digest) {
        return this->store().refresh_tokens().find(digest)->revoked_at.has_value();
    }
    bool access_revoked(const std::string& jti) {
        return this->store().access_tokens().find(jti)->revoked_at.has_value();
    }
};
TYPED_TEST_SUITE(SessionEndTest, Backends, BackendNames);

TYPED_TEST(SessionEndTest, EndsTheSessionItsAccessTokensAndItsOnlineRefreshTokens) {
    const auto account = this->new_account();
    this->open_session(account, "s1");
    this->open_session(account, "s2");
    this->refresh("online", account, "openid profile");
    this->refresh("offline", account, "openid offline_access profile");
    this->refresh("offline-last", account, "openid offline_access");
    this->refresh("other-session", account, "openid", "s2");
    this->access("a1", account);
    this->access("a2", account);
    this->access("a-other", account, "s2");

    auto ended = this->db().transaction([&](Connection& c) { return end_session(c, "s1", t0 + 10); });

    EXPECT_TRUE(ended.session_revoked);
    EXPECT_EQ(ended.access_tokens_revoked, 2);
    EXPECT_EQ(ended.refresh_tokens_revoked, 1);
    EXPECT_EQ(this->store().sessions().find_active("s1", t0 + 11), std::nullopt);
    EXPECT_TRUE(this->store().sessions().find_active("s2", t0 + 11).has_value());
    EXPECT_TRUE(this->refresh_revoked("online"));
    EXPECT_FALSE(this->refresh_revoked("offline"));
    EXPECT_FALSE(this->refresh_revoked("offline-last"));
    EXPECT_FALSE(this->refresh_revoked("other-session"));
    EXPECT_TRUE(this->access_revoked("a1"));
    EXPECT_TRUE(this->access_revoked("a2"));
    EXPECT_FALSE(this->access_revoked("a-other"));
}

TYPED_TEST(SessionEndTest, OfflineAccessMustBeAWholeScopeWord) {
    const auto account = this->new_account();
    this->open_session(account, "s1");
    this->refresh("prefixed", account, "openid offline_access_lite");
    this->refresh("suffixed", account, "openid my_offline_access");
    this->refresh("wildcard", account, "openid offlineXaccess");
    this->refresh("alone", account, "offline_access");

    auto ended = this->db().transaction([&](Connection& c) { return end_session(c, "s1", t0 + 10); });

    EXPECT_EQ(ended.refresh_tokens_revoked, 3);
    EXPECT_TRUE(this->refresh_revoked("prefixed"));
    EXPECT_TRUE(this->refresh_revoked("suffixed"));
    EXPECT_TRUE(this->refresh_revoked("wildcard"));
    EXPECT_FALSE(this->refresh_revoked("alone"));
}

TYPED_TEST(SessionEndTest, EndingTwiceOrAnUnknownSessionRevokesNothingMore) {
    const auto account = this->new_account();
    this->open_session(account, "s1");
    this->refresh("online", account, "openid");
    ASSERT_TRUE(this->db().transaction([&](Connection& c) { return end_session(c, "s1", t0 + 10); }).session_revoked);
    auto again = this->db().transaction([&](Connection& c) { return end_session(c, "s1", t0 + 20); });
    EXPECT_FALSE(again.session_revoked);
    EXPECT_EQ(again.refresh_tokens_revoked, 0);
    EXPECT_EQ(this->store().refresh_tokens().find("online")->revoked_at, t0 + 10);
    auto unknown = this->db().transaction([&](Connection& c) { return end_session(c, "nope", t0 + 20); });
    EXPECT_FALSE(unknown.session_revoked);
    EXPECT_EQ(unknown.access_tokens_revoked + unknown.refresh_tokens_revoked, 0);
}

TYPED_TEST(SessionEndTest, RolledBackWithTheCallersTransaction) {
    const auto account = this->new_account();
    this->open_session(account, "s1");
    this->refresh("online", account, "openid");
    EXPECT_THROW(this->db().transaction([&](Connection& c) {
        end_session(c, "s1", t0 + 10);
        throw std::runtime_error("the caller's audit entry failed");
    }),
                 std::runtime_error);
    EXPECT_TRUE(this->store().sessions().find_active("s1", t0 + 11).has_value());
    EXPECT_FALSE(this->refresh_revoked("online"));
}

// --- client assertion jtis ---

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

// --- the refresh token's authentication context ---

template <class B>
class RefreshContextTest : public StoreTest<B> {
protected:
    RefreshToken token(const std::string& digest, std::int64_t account) {
        RefreshToken t;
        t.digest = digest;
        t.family_id = "f1";
        t.client_id = "mobile";
        t.account_id = account;
        t.scope = "openid offline_access";
        t.session_digest = "s1";
        t.created_at = t0;
        t.expires_at = t0 + 86'400;
        t.idle_expires_at = t0 + 3600;
        t.auth_time = t0 - 30;
        t.acr = "eidas1";
        t.amr = {"pwd", "otp"};
        return t;
    }
};
TYPED_TEST_SUITE(RefreshContextTest, Backends, BackendNames);

TYPED_TEST(RefreshContextTest, AuthTimeAcrAndAmrAreStoredAndKeptByEveryRotation) {
    auto& tokens = this->store().refresh_tokens();
    tokens.create(this->token("r1", this->new_account()));
    auto found = tokens.find("r1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->auth_time, t0 - 30);
    EXPECT_EQ(found->acr, "eidas1");
    EXPECT_EQ(found->amr, (std::vector<std::string>{"pwd", "otp"}));
    ASSERT_EQ(tokens.rotate("r1", "r2", t0 + 10, t0 + 3600).status, RotationStatus::rotated);
    auto rotation = tokens.rotate("r2", "r3", t0 + 20, t0 + 3600, std::string("openid"));
    ASSERT_EQ(rotation.status, RotationStatus::rotated);
    EXPECT_EQ(rotation.token->auth_time, t0 - 30);
    auto last = tokens.find("r3");
    ASSERT_TRUE(last);
    EXPECT_EQ(last->auth_time, t0 - 30);
    EXPECT_EQ(last->acr, "eidas1");
    EXPECT_EQ(last->amr, (std::vector<std::string>{"pwd", "otp"}));
}

TYPED_TEST(RefreshContextTest, ATokenWithoutContextReadsBackWithout) {
    auto& tokens = this->store().refresh_tokens();
    auto t = this->token("r1", this->new_account());
    t.auth_time.reset();
    t.acr.reset();
    t.amr.clear();
    tokens.create(t);
    auto found = tokens.find("r1");
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->auth_time);
    EXPECT_FALSE(found->acr);
    EXPECT_TRUE(found->amr.empty());
}

// --- migration 6 over a database of version 5 ---

template <class B>
class MigrationSixTest : public ::testing::Test {
protected:
    void SetUp() override {
        url_ = B::create();
        if (url_.empty()) GTEST_FAIL() << "no database for backend " << B::name;
        db_ = open_database(url_, 2);
    }
    void TearDown() override {
        db_.reset();
        if (!url_.empty()) B::destroy(url_);
    }
    std::string url_;
    std::unique_ptr<Database> db_;
};
TYPED_TEST_SUITE(MigrationSixTest, Backends, BackendNames);

TYPED_TEST(MigrationSixTest, RefreshTokensOfVersionFiveSurviveAndReadWithoutContext) {
    auto& db = *this->db_;
    // The schema as version 5 left it, with a refresh token in it.
    db.session([&](Connection& c) {
        c.exec(render_ddl("CREATE TABLE IF NOT EXISTS schema_migrations (version {int} NOT NULL PRIMARY KEY, "
                          "name {str} NOT NULL){table}",
                          c.dialect()));
        for (const auto& m : migrations()) {
            if (m.version > 5) break;
            for (auto statement : m.statements)
                for (const auto& sql : render_statements(statement, c.dialect())) c.exec(sql);
            c.exec("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                   {std::int64_t{m.version}, std::string(m.name)});
        }
        c.exec("INSERT INTO accounts (status, created_at, updated_at) VALUES ('active', ?, ?)", {t0, t0});
        c.exec("INSERT INTO refresh_tokens (digest, family_id, client_id, account_id, scope, created_at, expires_at, "
               "idle_expires_at) VALUES (?, 'f1', 'mobile', ?, 'openid offline_access', ?, ?, ?)",
               {Blob{"old"}, c.last_insert_id(), t0, t0 + 86'400, t0 + 3600});
    });
    std::vector<int> after_five;
    for (const auto& m : migrations())
        if (m.version > 5) after_five.push_back(m.version);
    EXPECT_EQ(migrate(db), after_five);
    EXPECT_TRUE(migrate(db).empty());
    auto old = RefreshTokens(db).find("old");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->scope, "openid offline_access");
    EXPECT_FALSE(old->auth_time);
    EXPECT_FALSE(old->acr);
    EXPECT_TRUE(old->amr.empty());
    EXPECT_TRUE(ClientAssertions(db).remember("jwt-client", "jti", t0 + 60, t0));
}

// --- purge of expired rows ---

template <class B>
class CleanupTest : public SessionEndTest<B> {};
TYPED_TEST_SUITE(CleanupTest, Backends, BackendNames);

TYPED_TEST(CleanupTest, PurgeDeletesWhatHasExpiredInEveryTableAndKeepsTheRest) {
    auto& store = this->store();
    const auto account = this->new_account();
    // Each kind once expired at t0 + 1000 and once still live then.
    store.interactions().create("i-old", nlohmann::json::object(), t0, t0 + 600);
    store.interactions().create("i-live", nlohmann::json::object(), t0, t0 + 5000);
    for (const auto& [digest, expires] : {std::pair<std::string, std::int64_t>{"code-old", t0 + 60},
                                          std::pair<std::string, std::int64_t>{"code-recent", t0 + 900}}) {
        AuthorizationCode code;
        code.digest = digest;
        code.client_id = "portal";
        code.account_id = account;
        code.payload = nlohmann::json::object();
        code.created_at = t0;
        code.expires_at = expires;
        store.authorization_codes().create(code);
    }
    this->open_session(account, "s-live");
    this->open_session(account, "s-old");
    store.sessions().revoke("s-old", t0 + 5);
    this->refresh("r-live", account, "openid");
    {
        RefreshToken old;
        old.digest = "r-old";
        old.family_id = "f-old";
        old.client_id = "mobile";
        old.account_id = account;
        old.scope = "openid";
        old.created_at = t0;
        old.expires_at = t0 + 500;
        old.idle_expires_at = t0 + 500;
        store.refresh_tokens().create(old);
    }
    this->access("a-old", account);  // expires at t0 + 300
    {
        AccessToken live;
        live.jti = "a-live";
        live.client_id = "portal";
        live.scope = "openid";
        live.issued_at = t0;
        live.expires_at = t0 + 5000;
        store.access_tokens().record(live);
    }
    store.verification_codes().create({"creation", "draft:a", "sms", "d1", t0 + 600, 3}, t0);
    store.verification_codes().create({"creation", "draft:b", "sms", "d2", t0 + 5000, 3}, t0);
    store.drafts().save("draft-old", "sealed", t0, t0 + 600);
    store.drafts().save("draft-live", "sealed", t0, t0 + 5000);
    store.rate_limits().hit("bucket-old", t0, 60, 5);
    store.rate_limits().hit("bucket-live", t0 + 999, 60, 5);
    store.client_assertions().remember("jwt-client", "jti-old", t0 + 60, t0);
    store.client_assertions().remember("jwt-client", "jti-live", t0 + 5000, t0);

    CleanupRetention retention;
    retention.authorization_codes = 300;  // a spent code stays 5 minutes to recognise a replay
    retention.rate_limits = 600;
    auto report = purge_expired(this->db(), t0 + 1000, retention);

    EXPECT_EQ(report.interactions, 1);
    EXPECT_EQ(report.authorization_codes, 1) << "code-recent expired less than the retention ago";
    EXPECT_EQ(report.sessions, 1);
    EXPECT_EQ(report.refresh_tokens, 1);
    EXPECT_EQ(report.access_tokens, 1);
    EXPECT_EQ(report.verification_codes, 1);
    EXPECT_EQ(report.drafts, 1);
    EXPECT_EQ(report.rate_limits, 1);
    EXPECT_EQ(report.client_assertion_jtis, 1);
    EXPECT_EQ(report.total(), 9);

    EXPECT_TRUE(store.sessions().find_active("s-live", t0 + 1000).has_value());
    EXPECT_TRUE(store.refresh_tokens().find("r-live").has_value());
    EXPECT_FALSE(store.refresh_tokens().find("r-old").has_value());
    EXPECT_TRUE(store.access_tokens().find("a-live").has_value());
    EXPECT_TRUE(store.drafts().find("draft-live", t0 + 1000).has_value());
    EXPECT_FALSE(store.client_assertions().remember("jwt-client", "jti-live", t0 + 5000, t0 + 1000));
    // A second run finds nothing left to do.
    EXPECT_EQ(purge_expired(this->db(), t0 + 1000, retention).total(), 0);
}

}  // namespace
}  // namespace caf::storage::testing
