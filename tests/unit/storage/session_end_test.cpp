// Ending an SSO session (its access tokens and online refresh tokens with it), and the purge of
// expired rows of every table, on both backends.
#include <algorithm>
#include <stdexcept>

#include "store_fixture.hpp"
#include "storage/session_end.hpp"

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

// --- back-channel logouts queued with the end ---

template <class B>
class QueuedLogoutTest : public SessionEndTest<B> {
protected:
    std::vector<Notification> claim_logouts(std::int64_t now) {
        return this->db().transaction([&](Connection& c) {
            return this->store().notifications().claim_due(c, now, 100, 60, {std::string(backchannel_logout_channel)});
        });
    }
    void used_by(const std::string& digest, const std::string& client) {
        this->db().transaction([&](Connection& c) { this->store().sessions().add_client(c, digest, client, t0); });
    }
};
TYPED_TEST_SUITE(QueuedLogoutTest, Backends, BackendNames);

TYPED_TEST(QueuedLogoutTest, OneLogoutPerClientOfTheSessionOnlyByTheCallThatEndsIt) {
    const auto account = this->new_account();
    this->open_session(account, "s1");
    this->open_session(account, "s2");
    this->used_by("s1", "portal");
    this->used_by("s1", "partner");
    this->used_by("s2", "mobile");

    auto ended = this->db().transaction([&](Connection& c) { return end_session(c, "s1", t0 + 10); });
    auto again = this->db().transaction([&](Connection& c) { return end_session(c, "s1", t0 + 20); });

    EXPECT_EQ(ended.logouts_queued, 2);
    EXPECT_EQ(again.logouts_queued, 0);
    auto queued = this->claim_logouts(t0 + 30);
    ASSERT_EQ(queued.size(), 2u);
    std::vector<std::string> clients;
    for (const auto& row : queued) {
        EXPECT_EQ(row.template_name, backchannel_logout_template);
        auto logout = decode_queued_logout(row.recipient_sealed, row.payload_sealed);
        ASSERT_TRUE(logout.has_value());
        EXPECT_EQ(logout->account_id, account);
        EXPECT_EQ(logout->session_digest, "s1");
        clients.push_back(logout->client_id);
    }
    std::sort(clients.begin(), clients.end());
    EXPECT_EQ(clients, (std::vector<std::string>{"partner", "portal"}));
    // Mail and SMS dispatchers never see them.
    auto mail = this->db().transaction([&](Connection& c) {
        return this->store().notifications().claim_due(c, t0 + 40, 100, 60, {"email", "sms"});
    });
    EXPECT_TRUE(mail.empty());
}

TYPED_TEST(QueuedLogoutTest, NothingQueuedWhenTheCallersTransactionRollsBack) {
    const auto account = this->new_account();
    this->open_session(account, "s1");
    this->used_by("s1", "portal");
    EXPECT_THROW(this->db().transaction([&](Connection& c) {
        end_session(c, "s1", t0 + 10);
        throw std::runtime_error("the caller's audit entry failed");
    }),
                 std::runtime_error);
    EXPECT_TRUE(this->claim_logouts(t0 + 30).empty());
}

TYPED_TEST(QueuedLogoutTest, EndingTheSessionsOfAnAccountSparesTheOneKeptAndSendsNothingForExpiredOnes) {
    const auto account = this->new_account();
    const auto other_account = this->new_account();
    this->open_session(account, "mine");
    this->open_session(account, "other-device");
    this->open_session(other_account, "someone-else");
    this->used_by("mine", "portal");
    this->used_by("other-device", "portal");
    this->used_by("someone-else", "portal");

    auto kept = this->db().transaction(
        [&](Connection& c) { return end_sessions_of_account(c, account, t0 + 10, std::string("mine")); });
    EXPECT_EQ(kept.sessions_revoked, 1);
    EXPECT_EQ(kept.logouts_queued, 1);
    EXPECT_TRUE(this->store().sessions().find_active("mine", t0 + 11).has_value());
    EXPECT_EQ(this->store().sessions().find_active("other-device", t0 + 11), std::nullopt);
    auto first = this->claim_logouts(t0 + 12);
    ASSERT_EQ(first.size(), 1u);
    ASSERT_TRUE(this->store().notifications().mark_sent(first[0].id, first[0].attempts, t0 + 13));

    // Past the idle timeout (t0 + 1800) the session has expired: revoked, nothing sent.
    auto all = this->db().transaction([&](Connection& c) { return end_sessions_of_account(c, account, t0 + 2000); });
    EXPECT_EQ(all.sessions_revoked, 1);
    EXPECT_EQ(all.logouts_queued, 0);
    auto revoked = [&](const std::string& digest) {
        return this->db().read([&](Connection& c) { return this->store().sessions().find(c, digest)->revoked_at.has_value(); });
    };
    EXPECT_TRUE(revoked("mine"));
    EXPECT_FALSE(revoked("someone-else"));
    EXPECT_TRUE(this->claim_logouts(t0 + 2001).empty());
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

TYPED_TEST(CleanupTest, DeliveredNotificationsGoAfterAWeekAndAuditEntriesAfterTheirRetention) {
    auto& store = this->store();
    auto& queue = store.notifications();
    const auto old_id = queue.enqueue({"email", "r", "t", "p"}, t0);
    const auto recent_id = queue.enqueue({"email", "r", "t", "p"}, t0);
    const auto pending_id = queue.enqueue({"sms", "r", "t", "p"}, t0);
    auto claimed = queue.claim_due(t0, 2, 60);
    ASSERT_EQ(claimed.size(), 2u);
    ASSERT_TRUE(queue.mark_sent(old_id, 1, t0 + 1));
    ASSERT_TRUE(queue.mark_sent(recent_id, 1, t0 + 6 * 86400));
    for (int i = 0; i < 12; ++i)
        store.audit_log().append({t0 + i * 86400, "system", "test", "test.event", std::nullopt, nlohmann::json::object()});

    CleanupRetention retention;
    retention.audit_log = 10 * 86400;  // entries of days 0 to 2 are older than 10 days at day 12.5
    const auto now = t0 + 12 * 86400 + 43200;
    auto report = purge_expired(this->db(), now, retention);

    EXPECT_EQ(report.notifications, 1) << "sent a week ago or more";
    this->db().read([&](Connection& c) {
        EXPECT_FALSE(queue.find(c, old_id).has_value());
        EXPECT_TRUE(queue.find(c, recent_id).has_value());
        EXPECT_TRUE(queue.find(c, pending_id).has_value()) << "never a message still to send";
    });
    EXPECT_EQ(report.audit_log, 3);
    EXPECT_EQ(store.audit_log().list({}).size(), 9u);
    CleanupRetention forever;
    EXPECT_EQ(purge_expired(this->db(), now + 400 * 86400, forever).audit_log, 0) << "0 keeps them";
}

}  // namespace
}  // namespace caf::storage::testing
