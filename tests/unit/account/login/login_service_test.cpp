// The login rule without HTTP: LoginService::attempt with a moved clock.
#include "login_fixture.hpp"

#include "account/login/login_service.hpp"
#include "account/login/remembered_identifier.hpp"
#include "core/crypto.hpp"

namespace caf::account::test {
namespace {

using password_login::Authenticated;
using password_login::Frozen;
using password_login::InvalidIdentifier;
using password_login::LoginOutcome;
using password_login::LoginService;
using password_login::WrongCredentials;

class LoginServiceTest : public LoginTest {
protected:
    LoginOutcome attempt(const std::string& identifier, const std::string& password) {
        LoginForm form;
        form.identifier = identifier;
        form.password = password;
        return LoginService(*db_, protector_, hasher_, lockout_).attempt(form, clock_.now());
    }
};

TEST_F(LoginServiceTest, RightPasswordAuthenticatesWithNoPendingStepYet) {
    auto id = add_jean();
    auto outcome = attempt("1 63 06 31 555 082", jean_password);
    auto* ok = std::get_if<Authenticated>(&outcome);
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->account_id, id);
    EXPECT_TRUE(ok->pending.empty());
    EXPECT_EQ(canonical(ok->identifier), jean_nir);
}

TEST_F(LoginServiceTest, CaptchaIsAskedFromTheFourthAttempt) {
    add_jean();
    for (int failure = 1; failure <= 3; ++failure) {
        auto outcome = attempt(jean_nir, "Mauvais2024x");
        auto* wrong = std::get_if<WrongCredentials>(&outcome);
        ASSERT_NE(wrong, nullptr);
        EXPECT_EQ(wrong->attempts_left, 5 - failure);
        EXPECT_EQ(wrong->captcha_required, failure >= 3) << failure;
    }
}

TEST_F(LoginServiceTest, TheFreezingFailureNamesTheAccountToNotifyOnlyOnce) {
    auto id = add_jean();
    for (int i = 0; i < 4; ++i) attempt(jean_nir, "Mauvais2024x");
    auto fifth = attempt(jean_nir, "Mauvais2024x");
    auto* frozen = std::get_if<Frozen>(&fifth);
    ASSERT_NE(frozen, nullptr);
    EXPECT_TRUE(frozen->newly_frozen);
    EXPECT_EQ(frozen->account_to_notify, id);
    EXPECT_EQ(frozen->remaining, std::chrono::minutes{10});

    auto again = attempt(jean_nir, jean_password);
    ASSERT_TRUE(std::holds_alternative<Frozen>(again));
    EXPECT_FALSE(std::get<Frozen>(again).newly_frozen);
    EXPECT_FALSE(std::get<Frozen>(again).account_to_notify.has_value());
}

TEST_F(LoginServiceTest, AnUnknownIdentifierFreezesWithNobodyToNotify) {
    for (int i = 0; i < 4; ++i) attempt(unknown_nir, "Mauvais2024x");
    auto fifth = attempt(unknown_nir, "Mauvais2024x");
    ASSERT_TRUE(std::holds_alternative<Frozen>(fifth));
    EXPECT_TRUE(std::get<Frozen>(fifth).newly_frozen);
    EXPECT_FALSE(std::get<Frozen>(fifth).account_to_notify.has_value());
}

TEST_F(LoginServiceTest, AfterTheFirstFreezeTheNextFailureFreezesTwentyMinutes) {
    add_jean();
    for (int i = 0; i < 5; ++i) attempt(jean_nir, "Mauvais2024x");
    clock_.advance(std::chrono::minutes{10});
    auto sixth = attempt(jean_nir, "Mauvais2024x");
    ASSERT_TRUE(std::holds_alternative<Frozen>(sixth));
    EXPECT_EQ(std::get<Frozen>(sixth).remaining, std::chrono::minutes{20});
}

TEST_F(LoginServiceTest, IdentifiersAreCountedSeparately) {
    add_jean();
    for (int i = 0; i < 5; ++i) attempt(unknown_nir, "Mauvais2024x");
    EXPECT_TRUE(std::holds_alternative<Authenticated>(attempt(jean_nir, jean_password)));
}

TEST_F(LoginServiceTest, APasswordNoAccountCouldHaveIsAWrongCredentialAndCounts) {
    add_jean();
    auto outcome = attempt(jean_nir, "short");
    ASSERT_TRUE(std::holds_alternative<WrongCredentials>(outcome));
    EXPECT_EQ(std::get<WrongCredentials>(outcome).attempts_left, 4);
    outcome = attempt(jean_nir, std::string(300, 'a'));
    EXPECT_EQ(std::get<WrongCredentials>(outcome).attempts_left, 3);
}

TEST_F(LoginServiceTest, MalformedIdentifiersAreNotCounted) {
    add_jean();
    auto outcome = attempt("P123", jean_password);
    ASSERT_TRUE(std::holds_alternative<InvalidIdentifier>(outcome));
    EXPECT_EQ(std::get<InvalidIdentifier>(outcome).message, message(ProvisionalIdError::wrong_format));
    EXPECT_EQ(std::get<WrongCredentials>(attempt(jean_nir, "Mauvais2024x")).attempts_left, 4);
}

TEST_F(LoginTest, TypedIdentifierComesBackEscaped) {
    auto response = login("\"><script>alert(1)</script>", "Mauvais2024x");
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.body.find("<script>alert"), std::string::npos);
    EXPECT_NE(response.body.find("&quot;&gt;&lt;script&gt;"), std::string::npos);
}

TEST_F(LoginTest, ATamperedRememberedIdentifierIsIgnored) {
    add_jean();
    login(jean_nir, jean_password, "/connexion", true);
    auto& value = browser_.cookies.at(std::string(remembered_identifier_cookie_name));
    value[value.size() - 3] = value[value.size() - 3] == 'A' ? 'B' : 'A';
    browser_.cookies.erase(std::string(login::session_cookie));
    auto page = get("/connexion");
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.body.find("1 63 06 31 555 082"), std::string::npos);
    EXPECT_EQ(page.body.find("Ce n'est pas moi"), std::string::npos);
}

// A database dump holds every NIR sealed: replayed as the "Se souvenir de moi" cookie, a row
// must not turn into a prefilled (decrypted) identifier on the login page.
TEST_F(LoginTest, ASealedNirFromTheStoreIsNotARememberedIdentifier) {
    const auto id = add_jean();
    const auto row = storage::Accounts(*db_).find(id);
    ASSERT_TRUE(row && row->nir_sealed);
    browser_.cookies[std::string(remembered_identifier_cookie_name)] = "n." + crypto::base64url_encode(*row->nir_sealed);
    auto replayed = get("/connexion");
    EXPECT_EQ(replayed.status, 200);
    EXPECT_EQ(replayed.body.find("1 63 06 31 555 082"), std::string::npos) << "the dump row was decrypted";
    EXPECT_EQ(replayed.body.find("Ce n'est pas moi"), std::string::npos);

    // The cookie the login sets still prefills the form.
    browser_.cookies.erase(std::string(remembered_identifier_cookie_name));
    login(jean_nir, jean_password, "/connexion", true);
    browser_.cookies.erase(std::string(login::session_cookie));
    EXPECT_NE(get("/connexion").body.find(R"(value="1 63 06 31 555 082")"), std::string::npos);
}

}  // namespace
}  // namespace caf::account::test
