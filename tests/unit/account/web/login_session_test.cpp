// The SSO session after login: rotation, "Gérer Mon Compte" and its idle expiry, "Déconnexion".
#include "login_fixture.hpp"

#include "account/web/account_home.hpp"
#include "storage/tokens.hpp"

namespace caf::account::test {
namespace {

TEST_F(LoginTest, AnExistingSessionCookieIsRotatedAtLogin) {
    add_jean();
    ASSERT_EQ(login(jean_nir, jean_password).status, 303);
    const auto first = browser_.cookies.at(std::string(login::session_cookie));
    ASSERT_EQ(login(jean_nir, jean_password).status, 303);
    const auto second = browser_.cookies.at(std::string(login::session_cookie));
    EXPECT_NE(first, second);
    const auto now = to_unix_seconds(clock_.now());
    storage::Sessions sessions(*db_);
    EXPECT_FALSE(sessions.find_active(login::digest(first), now).has_value()) << "the old session is revoked";
    EXPECT_TRUE(sessions.find_active(login::digest(second), now).has_value());
}

TEST_F(LoginTest, APlantedSessionIdIsWorthNothingAfterLogin) {
    add_jean();
    browser_.cookies[std::string(login::session_cookie)] = "planted-by-an-attacker";
    ASSERT_EQ(login(jean_nir, jean_password).status, 303);
    EXPECT_NE(browser_.cookies.at(std::string(login::session_cookie)), "planted-by-an-attacker");
}

TEST_F(LoginTest, MonCompteWithoutSessionRedirectsToTheLoginPage) {
    auto response = get("/mon-compte");
    EXPECT_EQ(response.status, 303);
    EXPECT_EQ(response.headers.get("Location").value_or(""), "/connexion");
    browser_.cookies[std::string(login::session_cookie)] = "unknown";
    EXPECT_EQ(get("/mon-compte").status, 303);
}

TEST_F(LoginTest, MonCompteGreetsThePersonAndMasksTheIdentifier) {
    add_jean();
    login(jean_nir, jean_password);
    auto page = get("/mon-compte");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Gérer Mon Compte"), std::string::npos);
    EXPECT_NE(page.body.find("Bonjour Jean DUPONT"), std::string::npos);
    EXPECT_NE(page.body.find("1 63 ** ** *** 082"), std::string::npos);
    EXPECT_EQ(page.body.find("1 63 06 31 555 082"), std::string::npos);
    EXPECT_EQ(page.body.find(jean_nir), std::string::npos);
    EXPECT_NE(page.body.find(R"(<form method="post" action="/deconnexion">)"), std::string::npos);
    EXPECT_NE(page.body.find("Déconnexion</button>"), std::string::npos);
}

TEST_F(LoginTest, UsingMonCompteKeepsTheSessionAliveUntilItsAbsoluteEnd) {
    add_jean();
    login(jean_nir, jean_password);
    clock_.advance(std::chrono::minutes{20});
    ASSERT_EQ(get("/mon-compte").status, 200);
    clock_.advance(std::chrono::minutes{20});  // 40 min after login, 20 after last use
    ASSERT_EQ(get("/mon-compte").status, 200);
    clock_.advance(std::chrono::minutes{31});  // idle for longer than 30 minutes
    EXPECT_EQ(get("/mon-compte").status, 303);
}

TEST_F(LoginTest, LogoutRevokesTheSessionAndClearsTheCookie) {
    add_jean();
    login(jean_nir, jean_password);
    const auto id = browser_.cookies.at(std::string(login::session_cookie));
    auto response = post("/deconnexion", {}, "logout");
    EXPECT_EQ(response.status, 303);
    EXPECT_EQ(response.headers.get("Location").value_or(""), "/deconnexion");
    auto cleared = set_cookie(response, login::session_cookie);
    ASSERT_TRUE(cleared.has_value());
    EXPECT_NE(cleared->find("Max-Age=0"), std::string::npos);
    EXPECT_FALSE(storage::Sessions(*db_).find_active(login::digest(id), to_unix_seconds(clock_.now())).has_value());
    EXPECT_NE(get("/deconnexion").body.find("Vous êtes déconnecté"), std::string::npos);

    browser_.cookies[std::string(login::session_cookie)] = id;  // a copy kept somewhere
    EXPECT_EQ(get("/mon-compte").status, 303);
}

TEST_F(LoginTest, LogoutEndsTheSessionEverywhereItWasUsed) {
    add_jean();
    login(jean_nir, jean_password);
    const auto digest = login::digest(browser_.cookies.at(std::string(login::session_cookie)));
    const auto now = to_unix_seconds(clock_.now());
    const auto account = storage::Sessions(*db_).find_active(digest, now)->account_id;
    // What the provider issued to two clients from this session.
    storage::RefreshTokens refresh(*db_);
    refresh.create({"rt-portal", "f1", "portal", account, "openid profile", digest, std::nullopt, now, now + 3600,
                    now + 3600, std::nullopt, std::nullopt});
    refresh.create({"rt-mobile", "f2", "mobile", account, "openid offline_access", digest, std::nullopt, now,
                    now + 3600, now + 3600, std::nullopt, std::nullopt});
    storage::AccessToken access;
    access.jti = "at-portal";
    access.client_id = "portal";
    access.account_id = account;
    access.scope = "openid profile";
    access.issued_at = now;
    access.expires_at = now + 300;
    access.session_digest = digest;
    storage::AccessTokens(*db_).record(access);

    ASSERT_EQ(post("/deconnexion", {}, "logout").status, 303);

    EXPECT_TRUE(refresh.find("rt-portal")->revoked_at.has_value());
    EXPECT_FALSE(refresh.find("rt-mobile")->revoked_at.has_value()) << "offline_access outlives the session";
    EXPECT_TRUE(storage::AccessTokens(*db_).find("at-portal")->revoked_at.has_value());
}

TEST_F(LoginTest, LogoutNeedsItsCsrfToken) {
    add_jean();
    login(jean_nir, jean_password);
    EXPECT_EQ(post("/deconnexion", {}, "logout", false).status, 403);
    EXPECT_EQ(post("/deconnexion", {}, "login").status, 403);
    EXPECT_EQ(get("/mon-compte").status, 200);
}

TEST(MaskIdentifier, KeepsOnlyWhatTheOwnerRecognises) {
    EXPECT_EQ(mask_identifier("1630631555082"), "1 63 ** ** *** 082");
    EXPECT_EQ(mask_identifier("P33392250"), "P****2250");
    EXPECT_EQ(mask_identifier("garbage"), "***");
}

}  // namespace
}  // namespace caf::account::test
