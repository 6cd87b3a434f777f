// The refresh token's authentication context (auth_time, acr, amr) kept by every rotation, and
// migration 6 over refresh tokens of version 5, on both backends.
#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

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

}  // namespace
}  // namespace caf::storage::testing
