// Refresh tokens, access tokens and consents, on both backends.
#include <atomic>
#include <thread>

#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class TokensTest : public StoreTest<B> {
protected:
    RefreshToken refresh(const std::string& digest, std::int64_t account, const std::string& family = "f1") {
        RefreshToken t;
        t.digest = digest;
        t.family_id = family;
        t.client_id = "mobile";
        t.account_id = account;
        t.scope = "openid offline_access";
        t.session_digest = "s1";
        t.code_digest = "c1";
        t.created_at = t0;
        t.expires_at = t0 + 86'400;
        t.idle_expires_at = t0 + 3600;
        return t;
    }
    AccessToken access(const std::string& jti, std::optional<std::int64_t> account) {
        AccessToken t;
        t.jti = jti;
        t.client_id = "portal";
        t.account_id = account;
        t.scope = "openid profile";
        t.issued_at = t0;
        t.expires_at = t0 + 300;
        t.code_digest = "c1";
        t.family_id = "f1";
        t.session_digest = "s1";
        return t;
    }
};
TYPED_TEST_SUITE(TokensTest, Backends, BackendNames);

TYPED_TEST(TokensTest, RotationSpendsTheOldTokenAndKeepsTheFamily) {
    auto& tokens = this->store().refresh_tokens();
    const auto account = this->new_account();
    tokens.create(this->refresh("r1", account));
    auto rotation = tokens.rotate("r1", "r2", t0 + 100, t0 + 100 + 3600);
    ASSERT_EQ(rotation.status, RotationStatus::rotated);
    ASSERT_TRUE(rotation.token);
    EXPECT_EQ(rotation.token->digest, "r2");
    EXPECT_EQ(rotation.token->family_id, "f1");
    EXPECT_EQ(rotation.token->expires_at, t0 + 86'400);  // the family's absolute expiry
    EXPECT_EQ(rotation.token->idle_expires_at, t0 + 3700);
    EXPECT_EQ(rotation.token->scope, "openid offline_access");
    auto stored = tokens.find("r2");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->account_id, account);
    EXPECT_EQ(stored->session_digest, "s1");
    EXPECT_EQ(stored->code_digest, "c1");
    EXPECT_FALSE(stored->rotated_at);
    EXPECT_EQ(tokens.find("r1")->rotated_at, t0 + 100);
    // Narrowed scope, idle expiry capped by the absolute one.
    auto next = tokens.rotate("r2", "r3", t0 + 200, t0 + 999'999, std::string("openid"));
    ASSERT_EQ(next.status, RotationStatus::rotated);
    EXPECT_EQ(next.token->scope, "openid");
    EXPECT_EQ(next.token->idle_expires_at, t0 + 86'400);
}

TYPED_TEST(TokensTest, ReusingASpentTokenIsReportedAndRevokingItsFamilySpareOthers) {
    auto& tokens = this->store().refresh_tokens();
    const auto account = this->new_account();
    tokens.create(this->refresh("r1", account));
    tokens.create(this->refresh("other", account, "f2"));
    ASSERT_EQ(tokens.rotate("r1", "r2", t0 + 1, t0 + 3600).status, RotationStatus::rotated);
    auto reuse = tokens.rotate("r1", "r3", t0 + 2, t0 + 3600);
    EXPECT_EQ(reuse.status, RotationStatus::reused);
    EXPECT_EQ(reuse.token->family_id, tokens.find("r2")->family_id);
    EXPECT_FALSE(tokens.find("r3"));
    EXPECT_FALSE(tokens.find("r2")->revoked_at) << "the store reports; the token endpoint decides";
    EXPECT_EQ(tokens.revoke_family(reuse.token->family_id, t0 + 2), 2);
    EXPECT_EQ(tokens.find("r2")->revoked_at, t0 + 2);
    EXPECT_FALSE(tokens.find("other")->revoked_at);
    EXPECT_EQ(tokens.rotate("r2", "r4", t0 + 3, t0 + 3600).status, RotationStatus::revoked);
}

TYPED_TEST(TokensTest, ExpiredOrUnknownTokensDoNotRotate) {
    auto& tokens = this->store().refresh_tokens();
    tokens.create(this->refresh("r1", this->new_account()));
    EXPECT_EQ(tokens.rotate("r1", "r2", t0 + 3600, t0 + 7200).status, RotationStatus::expired);  // idle
    EXPECT_EQ(tokens.rotate("nope", "r2", t0, t0 + 1).status, RotationStatus::not_found);
    EXPECT_FALSE(tokens.find("r2"));
}

TYPED_TEST(TokensTest, ParallelRotationsOfOneTokenSucceedOnce) {
    auto& tokens = this->store().refresh_tokens();
    tokens.create(this->refresh("r1", this->new_account()));
    std::atomic<int> rotated{0}, reused{0}, revoked{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&, i] {
            auto r = tokens.rotate("r1", "next" + std::to_string(i), t0 + 1, t0 + 3600);
            if (r.status == RotationStatus::rotated) ++rotated;
            if (r.status == RotationStatus::reused) ++reused;
            if (r.status == RotationStatus::revoked) ++revoked;
        });
    }
    for (auto& t : threads) t.join();
    // One wins; the others find it spent.
    EXPECT_EQ(rotated, 1);
    EXPECT_EQ(reused, 3);
    EXPECT_EQ(revoked, 0);
}

TYPED_TEST(TokensTest, RevocationByAccountSessionCodeAndFamily) {
    auto& refresh = this->store().refresh_tokens();
    auto& access = this->store().access_tokens();
    const auto account = this->new_account();
    const auto other = this->new_account();
    refresh.create(this->refresh("r1", account, "f1"));
    auto r2 = this->refresh("r2", other, "f2");
    r2.session_digest = "s2";
    r2.code_digest = "c2";
    refresh.create(r2);
    access.record(this->access("a1", account));
    auto a2 = this->access("a2", std::nullopt);  // client_credentials
    a2.family_id.reset();
    a2.code_digest.reset();
    a2.session_digest.reset();
    access.record(a2);
    this->db().transaction([&](Connection& c) {
        EXPECT_EQ(refresh.revoke_issued_from_code(c, "c1", t0 + 1), 1);
        EXPECT_EQ(access.revoke_issued_from_code(c, "c1", t0 + 1), 1);
        EXPECT_EQ(refresh.revoke_all_of_session(c, "s2", t0 + 2), 1);
        EXPECT_EQ(access.revoke_all_of_session(c, "s2", t0 + 2), 0);
        EXPECT_EQ(refresh.revoke_all_of_account(c, other, t0 + 3), 0);  // already revoked
        EXPECT_EQ(access.revoke_all_of_account(c, account, t0 + 3), 0);
        EXPECT_EQ(refresh.revoke_family(c, "f1", t0 + 4), 0);
        EXPECT_EQ(access.revoke_family(c, "f1", t0 + 4), 0);
        EXPECT_FALSE(refresh.revoke(c, "r1", t0 + 5));
    });
    EXPECT_EQ(refresh.find("r1")->revoked_at, t0 + 1);
    EXPECT_EQ(refresh.find("r2")->revoked_at, t0 + 2);
    auto a1 = access.find("a1");
    ASSERT_TRUE(a1);
    EXPECT_EQ(a1->revoked_at, t0 + 1);
    EXPECT_EQ(a1->account_id, account);
    EXPECT_EQ(a1->scope, "openid profile");
    EXPECT_EQ(a1->expires_at, t0 + 300);
    auto found2 = access.find("a2");
    ASSERT_TRUE(found2);
    EXPECT_FALSE(found2->account_id);
    EXPECT_FALSE(found2->revoked_at);
    EXPECT_TRUE(access.revoke("a2", t0 + 9));
    EXPECT_FALSE(access.revoke("a2", t0 + 10));
    EXPECT_FALSE(access.find("unknown"));
}

TYPED_TEST(TokensTest, ExpiredTokensAreDeleted) {
    auto& refresh = this->store().refresh_tokens();
    auto& access = this->store().access_tokens();
    refresh.create(this->refresh("r1", this->new_account()));
    access.record(this->access("a1", std::nullopt));
    this->db().transaction([&](Connection& c) {
        EXPECT_EQ(access.delete_expired(c, t0 + 300), 1);
        EXPECT_EQ(refresh.delete_expired(c, t0 + 300), 0);
        EXPECT_EQ(refresh.delete_expired(c, t0 + 86'400), 1);
    });
}

TYPED_TEST(TokensTest, ConsentIsGrantedReplacedListedAndRevoked) {
    auto& consents = this->store().consents();
    const auto account = this->new_account();
    consents.grant({account, "partner", "openid profile", t0});
    consents.grant({account, "partner", "openid profile email", t0 + 10});
    this->db().transaction([&](Connection& c) { consents.grant(c, {account, "another", "openid", t0 + 20}); });
    auto found = consents.find(account, "partner");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->scope, "openid profile email");
    EXPECT_EQ(found->granted_at, t0 + 10);
    this->db().transaction([&](Connection& c) {
        auto list = consents.list_of_account(c, account);
        ASSERT_EQ(list.size(), 2u);
        EXPECT_EQ(list[0].client_id, "another");
        EXPECT_TRUE(consents.revoke(c, account, "partner"));
        EXPECT_FALSE(consents.revoke(c, account, "partner"));
    });
    EXPECT_FALSE(consents.find(account, "partner"));
}

}  // namespace
}  // namespace caf::storage::testing
