// SSO sessions, interactions and authorization codes, on both backends.
#include <atomic>
#include <thread>

#include "store_fixture.hpp"
#include "storage/session_end.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class SessionsTest : public StoreTest<B> {
protected:
    Session session_of(std::int64_t account, const std::string& digest) {
        Session s;
        s.digest = digest;
        s.account_id = account;
        s.auth_time = t0;
        s.amr = {"pwd", "mfa"};
        s.acr = "eidas1";
        s.created_at = t0;
        s.last_seen_at = t0;
        s.idle_expires_at = t0 + 1800;
        s.absolute_expires_at = t0 + 3600;
        return s;
    }
};
TYPED_TEST_SUITE(SessionsTest, Backends, BackendNames);

TYPED_TEST(SessionsTest, ActiveSessionIsFoundUntilItsIdleOrAbsoluteTimeout) {
    auto& sessions = this->store().sessions();
    const auto account = this->new_account();
    auto s = this->session_of(account, std::string("\x00session-digest", 15));
    s.upstream_provider = "franceconnect";
    s.upstream_id_token = "eyJhbGciOiJFUzI1NiJ9.payload.sig";
    sessions.create(s);
    auto found = sessions.find_active(s.digest, t0 + 10);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->account_id, account);
    EXPECT_EQ(found->amr, (std::vector<std::string>{"pwd", "mfa"}));
    EXPECT_EQ(found->acr, "eidas1");
    EXPECT_EQ(found->upstream_provider, "franceconnect");
    EXPECT_EQ(found->upstream_id_token, s.upstream_id_token);
    EXPECT_FALSE(sessions.find_active(s.digest, t0 + 1800));  // idle timeout
    EXPECT_FALSE(sessions.find_active("unknown", t0));

    // Activity moves the idle expiry, never past the absolute one.
    EXPECT_TRUE(sessions.touch(s.digest, t0 + 1700, t0 + 1700 + 2000));
    found = sessions.find_active(s.digest, t0 + 3000);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->last_seen_at, t0 + 1700);
    EXPECT_EQ(found->idle_expires_at, t0 + 3600);
    EXPECT_FALSE(sessions.find_active(s.digest, t0 + 3600));  // absolute timeout
    EXPECT_FALSE(sessions.touch(s.digest, t0 + 3600, t0 + 5000));
}

TYPED_TEST(SessionsTest, RevokedSessionIsNoLongerActive) {
    auto& sessions = this->store().sessions();
    const auto account = this->new_account();
    const auto other = this->new_account();
    sessions.create(this->session_of(account, "s1"));
    sessions.create(this->session_of(account, "s2"));
    sessions.create(this->session_of(other, "s3"));
    EXPECT_TRUE(sessions.revoke("s1", t0 + 5));
    EXPECT_FALSE(sessions.revoke("s1", t0 + 6));
    EXPECT_FALSE(sessions.find_active("s1", t0 + 10));
    this->db().read([&](Connection& c) {
        auto s1 = sessions.find(c, "s1");
        ASSERT_TRUE(s1);
        EXPECT_EQ(s1->revoked_at, t0 + 5);
        EXPECT_EQ(sessions.list_active_of_account(c, account, t0 + 10).size(), 1u);
    });
    EXPECT_EQ(this->db().transaction([&](Connection& c) { return end_sessions_of_account(c, account, t0 + 20); })
                  .sessions_revoked,
              1);
    EXPECT_FALSE(sessions.find_active("s2", t0 + 30));
    EXPECT_TRUE(sessions.find_active("s3", t0 + 30));
}

TYPED_TEST(SessionsTest, ClientsOfASessionAreRecordedOnceAndExpiredSessionsDeleted) {
    auto& sessions = this->store().sessions();
    const auto account = this->new_account();
    sessions.create(this->session_of(account, "s1"));
    auto s2 = this->session_of(account, "s2");
    s2.absolute_expires_at = t0 + 100'000;
    s2.idle_expires_at = t0 + 90'000;
    sessions.create(s2);
    this->db().transaction([&](Connection& c) {
        sessions.add_client(c, "s1", "portal", t0);
        sessions.add_client(c, "s1", "mobile", t0 + 1);
        sessions.add_client(c, "s1", "portal", t0 + 2);
    });
    EXPECT_EQ(this->db().read([&](Connection& c) { return sessions.clients(c, "s1"); }),
              (std::vector<std::string>{"portal", "mobile"}));
    EXPECT_EQ(this->db().transaction([&](Connection& c) { return sessions.delete_expired(c, t0 + 4000); }), 1);
    this->db().read([&](Connection& c) {
        EXPECT_FALSE(sessions.find(c, "s1"));
        EXPECT_TRUE(sessions.clients(c, "s1").empty());
        EXPECT_TRUE(sessions.find(c, "s2"));
    });
}

template <class B>
class InteractionsTest : public StoreTest<B> {};
TYPED_TEST_SUITE(InteractionsTest, Backends, BackendNames);

TYPED_TEST(InteractionsTest, CompletedInteractionIsConsumedOnce) {
    auto& interactions = this->store().interactions();
    const nlohmann::json request = {{"client_id", "portal"}, {"scope", "openid profile"}, {"state", "xyz"}};
    interactions.create("i1", request, t0, t0 + 600);
    auto found = interactions.find("i1", t0 + 1);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->request, request);
    EXPECT_FALSE(found->result);
    EXPECT_FALSE(interactions.consume("i1", t0 + 2));  // not completed yet
    const nlohmann::json result = {{"account", 42}, {"amr", {"pwd"}}, {"acr", "eidas1"}, {"auth_time", t0 + 3}};
    EXPECT_TRUE(interactions.complete("i1", result, t0 + 3));
    auto consumed = interactions.consume("i1", t0 + 4);
    ASSERT_TRUE(consumed);
    EXPECT_EQ(consumed->result, result);
    EXPECT_EQ(consumed->completed_at, t0 + 3);
    EXPECT_EQ(consumed->consumed_at, t0 + 4);
    EXPECT_FALSE(interactions.consume("i1", t0 + 5));
    EXPECT_FALSE(interactions.find("i1", t0 + 5));
    EXPECT_FALSE(interactions.complete("i1", result, t0 + 6));
}

TYPED_TEST(InteractionsTest, ExpiredInteractionIsGone) {
    auto& interactions = this->store().interactions();
    interactions.create("i1", {{"a", 1}}, t0, t0 + 600);
    EXPECT_FALSE(interactions.find("i1", t0 + 600));
    EXPECT_FALSE(interactions.complete("i1", {{"account", 1}}, t0 + 601));
    EXPECT_EQ(this->db().transaction([&](Connection& c) { return interactions.delete_expired(c, t0 + 600); }), 1);
    EXPECT_FALSE(interactions.find("i1", t0));
}

TYPED_TEST(InteractionsTest, TwoParallelConsumersGetItOnce) {
    auto& interactions = this->store().interactions();
    interactions.create("i1", {{"a", 1}}, t0, t0 + 600);
    interactions.complete("i1", {{"account", 1}}, t0);
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            if (interactions.consume("i1", t0 + 1)) ++winners;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners, 1);
}

template <class B>
class AuthorizationCodesTest : public StoreTest<B> {
protected:
    AuthorizationCode code(const std::string& digest, std::int64_t account) {
        AuthorizationCode c;
        c.digest = digest;
        c.client_id = "portal";
        c.account_id = account;
        c.session_digest = "s1";
        c.payload = {{"redirect_uri", "https://caf.fr/cb"}, {"nonce", "n"}, {"code_challenge", "abc"}};
        c.created_at = t0;
        c.expires_at = t0 + 60;
        return c;
    }
};
TYPED_TEST_SUITE(AuthorizationCodesTest, Backends, BackendNames);

TYPED_TEST(AuthorizationCodesTest, CodeIsRedeemedOnceThenReportedReplayed) {
    auto& codes = this->store().authorization_codes();
    const auto account = this->new_account();
    codes.create(this->code("c1", account));
    auto first = codes.consume("c1", t0 + 5);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, CodeStatus::redeemed);
    EXPECT_EQ(first->code.client_id, "portal");
    EXPECT_EQ(first->code.account_id, account);
    EXPECT_EQ(first->code.session_digest, "s1");
    EXPECT_EQ(first->code.payload["redirect_uri"], "https://caf.fr/cb");
    EXPECT_EQ(first->code.consumed_at, t0 + 5);
    auto replay = codes.consume("c1", t0 + 6);
    ASSERT_TRUE(replay);
    EXPECT_EQ(replay->status, CodeStatus::replayed);
    EXPECT_EQ(replay->code.consumed_at, t0 + 5);
    EXPECT_FALSE(codes.consume("unknown", t0));
}

TYPED_TEST(AuthorizationCodesTest, LateCodeIsExpiredAndDeletedLater) {
    auto& codes = this->store().authorization_codes();
    codes.create(this->code("c1", this->new_account()));
    auto late = codes.consume("c1", t0 + 60);
    ASSERT_TRUE(late);
    EXPECT_EQ(late->status, CodeStatus::expired);
    EXPECT_EQ(this->db().transaction([&](Connection& c) { return codes.delete_expired(c, t0 + 120); }), 1);
    EXPECT_FALSE(codes.consume("c1", t0 + 121));
}

TYPED_TEST(AuthorizationCodesTest, ParallelRedemptionsRedeemExactlyOnce) {
    auto& codes = this->store().authorization_codes();
    codes.create(this->code("c1", this->new_account()));
    std::atomic<int> redeemed{0}, replayed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            auto r = codes.consume("c1", t0 + 1);
            if (r && r->status == CodeStatus::redeemed) ++redeemed;
            if (r && r->status == CodeStatus::replayed) ++replayed;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(redeemed, 1);
    EXPECT_EQ(replayed, 3);
}

}  // namespace
}  // namespace caf::storage::testing
