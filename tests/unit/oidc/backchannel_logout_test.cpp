// Back-channel logout delivery without a network: sessions ended in the real store, the sender
// POSTing to a recording fetcher, the logout tokens checked on the provider's JWKS.
#include <set>
#include <vector>

#include "backchannel_fixture.hpp"
#include "core/http_fetcher.hpp"
#include "oidc/issuance/token_minting.hpp"
#include "oidc/logout/backchannel_logout_sender.hpp"
#include "oidc/logout/logout_endpoint.hpp"
#include "oidc/subject.hpp"
#include "storage/session_end.hpp"
#include "storage/sessions.hpp"

namespace caf::oidc::test {
namespace {

// A client's back-channel endpoint: records each POST and answers `status` (0: unreachable).
struct RecordingEndpoint final : http::HttpFetcher {
    struct Post {
        std::string url;
        std::string body;
    };
    std::vector<Post> posts;
    int status = 200;

    expected<http::HttpReply, http::FetchError> get(const std::string&, const http::HeaderList&,
                                                    std::chrono::milliseconds) override {
        return unexpected<http::FetchError>{http::FetchError{"no GET expected"}};
    }
    expected<http::HttpReply, http::FetchError> post(const std::string& url, const http::HeaderList&,
                                                     const std::string& body, const std::string& content_type,
                                                     std::chrono::milliseconds) override {
        EXPECT_EQ(content_type, "application/x-www-form-urlencoded");
        posts.push_back({url, body});
        if (status == 0) return unexpected<http::FetchError>{http::FetchError{"connection refused"}};
        return http::HttpReply{status, "text/plain", ""};
    }
};

class BackchannelLogoutTest : public BackchannelTest {
protected:
    BackchannelLogoutTest() {
        config::BackchannelLogoutConfig config;
        config.max_attempts = 3;
        config.backoff_seconds = 10;
        settings_ = backchannel_logout_settings(config);
    }

    // An SSO session the portal and the mobile app (no back channel) took tokens from.
    std::string open_session(const std::vector<std::string>& clients = {"portal", "mobile"}) {
        const std::string digest = login::digest("cookie-" + random_token(system_random(), 8));
        storage::Session s;
        s.digest = digest;
        s.account_id = account_;
        s.auth_time = now();
        s.amr = {"pwd"};
        s.acr = "urn:caf:acr:pwd";
        s.created_at = now();
        s.last_seen_at = now();
        s.idle_expires_at = now() + 1800;
        s.absolute_expires_at = now() + 3600;
        storage::Sessions sessions(*db_);
        sessions.create(s);
        db_->transaction([&](storage::Connection& c) {
            for (const auto& client : clients) sessions.add_client(c, digest, client, now());
        });
        return digest;
    }

    BackchannelLogoutReport run() {
        BackchannelLogoutSender sender(*ctx_, endpoint_, settings_);
        return sender.run_once(clock_.now());
    }

    // The logout_token of a recorded POST, verified on the provider's keys.
    std::pair<nlohmann::json, nlohmann::json> token_of(const RecordingEndpoint::Post& post) {
        auto params = http::parse_urlencoded(post.body).value_or(http::Params{});
        auto token = http::find_param(params, "logout_token");
        EXPECT_TRUE(token.has_value());
        auto verified = jose::verify(token.value_or(""), keys_->jwks(clock_.now()), {jose::Algorithm::RS256});
        EXPECT_TRUE(verified.has_value());
        if (!verified) return {};
        return {verified->header, nlohmann::json::parse(verified->payload)};
    }

    RecordingEndpoint endpoint_;
    BackchannelLogoutSettings settings_;
};

TEST_F(BackchannelLogoutTest, AnRpInitiatedLogoutSendsTheClientsOfTheSessionASignedLogoutToken) {
    const auto digest = open_session();
    ASSERT_TRUE(end_sso_session(*ctx_, digest, std::string("portal"), "client"));

    auto report = run();

    EXPECT_EQ(report.claimed, 2);
    EXPECT_EQ(report.sent, 1);
    EXPECT_EQ(report.skipped, 1) << "the mobile app has no backchannel_logout_uri";
    ASSERT_EQ(endpoint_.posts.size(), 1u);
    EXPECT_EQ(endpoint_.posts[0].url, portal_backchannel_logout);
    auto [header, claims] = token_of(endpoint_.posts[0]);
    EXPECT_EQ(header["typ"], "logout+jwt");
    EXPECT_EQ(claims["iss"], issuer);
    EXPECT_EQ(claims["aud"], "portal");
    EXPECT_EQ(claims["sub"], subject_of(*ctx_, account_));
    EXPECT_EQ(claims["sid"], sid_of(digest));
    EXPECT_EQ(claims["iat"], now());
    EXPECT_GT(claims.value("exp", 0), now());
    EXPECT_FALSE(claims.value("jti", "").empty());
    EXPECT_TRUE(claims["events"].contains(std::string(issuance::backchannel_logout_event)));
    EXPECT_TRUE(claims["events"][std::string(issuance::backchannel_logout_event)].is_object());
    EXPECT_FALSE(claims.contains("nonce"));

    EXPECT_EQ(run().claimed, 0) << "delivered once";
    EXPECT_EQ(endpoint_.posts.size(), 1u);
}

TEST_F(BackchannelLogoutTest, AFailingClientIsRetriedAfterABackoffThenGivenUp) {
    const auto digest = open_session({"portal"});
    end_sso_session(*ctx_, digest, std::nullopt, "user");
    endpoint_.status = 503;

    EXPECT_EQ(run().retried, 1);
    EXPECT_EQ(run().claimed, 0) << "not before the backoff";
    clock_.advance(std::chrono::seconds(10));
    endpoint_.status = 0;  // unreachable this time
    EXPECT_EQ(run().retried, 1);
    clock_.advance(std::chrono::seconds(20));
    EXPECT_EQ(run().given_up, 1) << "the third attempt was the last";
    clock_.advance(std::chrono::hours(2));
    EXPECT_EQ(run().claimed, 0);
    EXPECT_EQ(endpoint_.posts.size(), 3u);
}

TEST_F(BackchannelLogoutTest, EachTokenIsFreshAndSessionsEndedTogetherEachGetTheirOwnSid) {
    const auto first = open_session({"portal"});
    const auto second = open_session({"portal"});
    db_->transaction([&](storage::Connection& c) { storage::end_sessions_of_account(c, account_, now()); });

    EXPECT_EQ(run().sent, 2);
    ASSERT_EQ(endpoint_.posts.size(), 2u);
    auto a = token_of(endpoint_.posts[0]).second;
    auto b = token_of(endpoint_.posts[1]).second;
    EXPECT_NE(a["jti"], b["jti"]);
    std::set<std::string> sids{a.value("sid", ""), b.value("sid", "")};
    EXPECT_EQ(sids, (std::set<std::string>{sid_of(first), sid_of(second)}));
}

TEST_F(BackchannelLogoutTest, AnExpiredSessionSendsNothing) {
    open_session({"portal"});
    clock_.advance(std::chrono::hours(2));  // past the idle timeout
    db_->transaction([&](storage::Connection& c) { storage::end_sessions_of_account(c, account_, now()); });
    EXPECT_EQ(run().claimed, 0);
    EXPECT_TRUE(endpoint_.posts.empty());
}

}  // namespace
}  // namespace caf::oidc::test
