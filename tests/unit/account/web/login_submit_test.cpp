// POST /connexion: success with session and interaction, the wrong-credentials message counted
// per identifier (known or not), the freeze, malformed identifiers, CSRF, "Se souvenir de moi",
// legacy passwords and rehashing.
#include "login_fixture.hpp"

#include "account/lockout/lockout_messages.hpp"
#include "account/login/remembered_identifier.hpp"
#include "storage/audit_log.hpp"

namespace caf::account::test {
namespace {

std::string wrong_message(int left) {
    return html_escaped(wrong_credentials_message(left));
}

TEST_F(LoginTest, RightPasswordOpensSessionCompletesInteractionAndResumes) {
    auto account = add_jean();
    auto id = add_interaction();
    get("/connexion?interaction=" + id);
    auto response = login("1 63 06 31 555 082", jean_password, "/connexion?interaction=" + id);

    ASSERT_EQ(response.status, 303) << response.body;
    EXPECT_EQ(response.headers.get("Location").value_or(""), login::resume_url(id));
    auto cookie = set_cookie(response, login::session_cookie);
    ASSERT_TRUE(cookie.has_value());
    EXPECT_NE(cookie->find("; Path=/"), std::string::npos);
    EXPECT_NE(cookie->find("; Secure"), std::string::npos);
    EXPECT_NE(cookie->find("; HttpOnly"), std::string::npos);
    EXPECT_NE(cookie->find("; SameSite=Lax"), std::string::npos);
    EXPECT_EQ(cookie->find("Max-Age"), std::string::npos) << "a session cookie, gone with the browser";

    const auto session_id = browser_.cookies.at(std::string(login::session_cookie));
    EXPECT_GE(session_id.size(), 43u);
    const auto now = to_unix_seconds(clock_.now());
    auto taken = storage::Interactions(*db_).consume(login::digest(id), now);
    ASSERT_TRUE(taken.has_value());
    auto result = login::login_result_from_json(taken->result.value());
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(result->account_id, account);
    EXPECT_EQ(result->amr, std::vector<std::string>{"pwd"});
    EXPECT_EQ(result->acr, "urn:caf:acr:pwd");
    EXPECT_EQ(result->auth_time, now);
    EXPECT_EQ(result->session_digest, login::digest(session_id));

    auto session = storage::Sessions(*db_).find_active(login::digest(session_id), now);
    ASSERT_TRUE(session.has_value());
    EXPECT_EQ(session->account_id, account);
    EXPECT_EQ(session->idle_expires_at, now + 1800);
    EXPECT_EQ(session->absolute_expires_at, now + 12 * 3600);
}

TEST_F(LoginTest, WithoutInteractionGoesToMonCompte) {
    add_jean();
    auto response = login(jean_nir, jean_password);
    ASSERT_EQ(response.status, 303);
    EXPECT_EQ(response.headers.get("Location").value_or(""), "/mon-compte");
}

TEST_F(LoginTest, SuccessIsAuditedWithTheAccountIdOnly) {
    auto account = add_jean();
    auto id = add_interaction();
    login(jean_nir, jean_password, "/connexion?interaction=" + id);
    login(jean_nir, "Mauvais2024x");
    auto entries = storage::AuditLog(*db_).list(storage::AuditQuery{.account_id = account});
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].action, "login.success");
    EXPECT_EQ(entries[0].details.value("client_id", ""), "portal");
    EXPECT_EQ(entries[1].action, "login.failure");
    for (const auto& e : entries) {
        EXPECT_EQ(e.details.dump().find("1630631555082"), std::string::npos);
        EXPECT_EQ(e.details.dump().find("Motdepasse"), std::string::npos);
    }
}

TEST_F(LoginTest, WrongPasswordCountsDownFourThreeTwoOne) {
    add_jean();
    for (int left : {4, 3, 2, 1}) {
        auto response = login(jean_nir, "Mauvais2024x");
        EXPECT_EQ(response.status, 400);
        EXPECT_NE(response.body.find(wrong_message(left)), std::string::npos) << left << "\n" << response.body;
        EXPECT_NE(response.body.find(R"(role="alert")"), std::string::npos);
        EXPECT_EQ(response.body.find("Mauvais2024x"), std::string::npos) << "the password never comes back";
        EXPECT_FALSE(set_cookie(response, login::session_cookie).has_value());
    }
    EXPECT_EQ(wrong_credentials_message(4),
              "Vos numéro de Sécurité sociale et/ou mot de passe sont incorrects. Veuillez vérifier vos informations "
              "saisies. Il vous reste 4 tentatives. Attention : au 5e échec, votre compte sera bloqué.");
}

TEST_F(LoginTest, UnknownIdentifierGetsTheSameAnswerAndIsCountedToo) {
    add_jean();
    auto known = login(jean_nir, "Mauvais2024x");
    auto unknown = login(unknown_nir, "Mauvais2024x");
    EXPECT_EQ(unknown.status, known.status);
    EXPECT_NE(unknown.body.find(wrong_message(4)), std::string::npos) << unknown.body;
    // The same page but for the identifier each person typed in its own field.
    auto strip = [](std::string body, const std::string& typed) {
        auto at = body.find("value=\"" + typed + "\"");
        if (at != std::string::npos) body.erase(at, typed.size() + 8);
        return body;
    };
    EXPECT_EQ(strip(unknown.body, unknown_nir), strip(known.body, jean_nir));
    for (int left : {3, 2, 1}) EXPECT_NE(login(unknown_nir, "x2345678").body.find(wrong_message(left)), std::string::npos);
    auto frozen = login(unknown_nir, "x2345678");
    EXPECT_EQ(frozen.status, 429);
    EXPECT_NE(frozen.body.find(frozen_message(std::chrono::minutes{10})), std::string::npos);
}

TEST_F(LoginTest, FifthFailureFreezesAndTheRightPasswordIsRefusedUntilTheFreezeEnds) {
    add_jean();
    for (int i = 0; i < 4; ++i) login(jean_nir, "Mauvais2024x");
    auto fifth = login(jean_nir, "Mauvais2024x");
    EXPECT_EQ(fifth.status, 429);
    EXPECT_NE(fifth.body.find("Votre connexion a échoué. Vous ne pouvez pas accéder à votre compte pendant 10 minutes."),
              std::string::npos) << fifth.body;
    EXPECT_EQ(fifth.headers.get("Retry-After").value_or(""), "600");

    auto right = login(jean_nir, jean_password);
    EXPECT_EQ(right.status, 429);
    EXPECT_NE(right.body.find("pendant 10 minutes."), std::string::npos);
    EXPECT_FALSE(set_cookie(right, login::session_cookie).has_value());

    clock_.advance(std::chrono::minutes{7});
    right = login(jean_nir, jean_password);
    EXPECT_NE(right.body.find("pendant 3 minutes."), std::string::npos) << right.body;

    clock_.advance(std::chrono::minutes{3});
    right = login(jean_nir, jean_password);
    EXPECT_EQ(right.status, 303);
    // The counter is cleared: the next mistake has 4 attempts again.
    EXPECT_NE(login(jean_nir, "Mauvais2024x").body.find(wrong_message(4)), std::string::npos);
}

TEST_F(LoginTest, MalformedNirIsSaidOnTheFieldWith400AndNotCounted) {
    add_jean();
    auto response = login("1 63 06", jean_password);
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(response.body.find(html_escaped(message(NirError::wrong_length))), std::string::npos);
    EXPECT_NE(response.body.find(R"(aria-describedby="identifiant-hint identifiant-error" aria-invalid="true")"),
              std::string::npos) << response.body;
    EXPECT_NE(response.body.find(R"(<p class="field-error" id="identifiant-error" role="alert">)"), std::string::npos);
    EXPECT_NE(response.body.find(R"(value="1 63 06")"), std::string::npos) << "what the person typed, in its own field";
    EXPECT_NE(login(jean_nir, "Mauvais2024x").body.find(wrong_message(4)), std::string::npos);
}

TEST_F(LoginTest, EmptyPasswordIsSaidOnThePasswordField) {
    add_jean();
    auto response = login(jean_nir, "");
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(response.body.find("Veuillez saisir votre mot de passe."), std::string::npos);
    EXPECT_NE(response.body.find(R"(aria-describedby="mot_de_passe-error" aria-invalid="true")"), std::string::npos);
}

TEST_F(LoginTest, MissingOrForgedCsrfTokenIsRefused) {
    add_jean();
    auto missing = post("/connexion", {{"identifiant", jean_nir}, {"mot_de_passe", jean_password}}, "login", false);
    EXPECT_EQ(missing.status, 403);
    EXPECT_NE(missing.body.find("Formulaire expiré"), std::string::npos);
    EXPECT_FALSE(set_cookie(missing, login::session_cookie).has_value());

    auto other_purpose = post("/connexion", {{"identifiant", jean_nir}, {"mot_de_passe", jean_password}}, "logout");
    EXPECT_EQ(other_purpose.status, 403);
    auto forged = post("/connexion", {{"identifiant", jean_nir}, {"mot_de_passe", jean_password}, {"csrf", "forged"}},
                       "login", false);
    EXPECT_EQ(forged.status, 403);
}

TEST_F(LoginTest, RememberMeKeepsTheIdentifierSealedAndPrefillsIt) {
    add_jean();
    auto response = login(jean_nir, jean_password, "/connexion", true);
    auto cookie = set_cookie(response, remembered_identifier_cookie_name);
    ASSERT_TRUE(cookie.has_value());
    EXPECT_NE(cookie->find("Max-Age=34128000"), std::string::npos) << *cookie;
    EXPECT_NE(cookie->find("; Secure; HttpOnly; SameSite=Lax"), std::string::npos);
    EXPECT_EQ(cookie->find(jean_nir), std::string::npos) << "never the NIR in clear";
    EXPECT_EQ(cookie->find(jean_password), std::string::npos);

    browser_.cookies.erase(std::string(login::session_cookie));
    auto page = get("/connexion");
    EXPECT_NE(page.body.find(R"(value="1 63 06 31 555 082")"), std::string::npos);
    EXPECT_NE(page.body.find(R"(value="1" checked)"), std::string::npos);
    EXPECT_NE(page.body.find("Ce n'est pas moi / oublier cet identifiant"), std::string::npos);

    // Unchecked at the next login: forgotten.
    response = login(jean_nir, jean_password, "/connexion", false);
    cookie = set_cookie(response, remembered_identifier_cookie_name);
    ASSERT_TRUE(cookie.has_value());
    EXPECT_NE(cookie->find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(get("/connexion").body.find("1 63 06 31 555 082"), std::string::npos);
}

TEST_F(LoginTest, NotMeLinkForgetsTheRememberedIdentifier) {
    add_jean();
    login(jean_nir, jean_password, "/connexion", true);
    ASSERT_TRUE(browser_.cookies.contains(std::string(remembered_identifier_cookie_name)));
    auto response = get("/connexion/oublier-identifiant?interaction=abc");
    EXPECT_EQ(response.status, 303);
    EXPECT_EQ(response.headers.get("Location").value_or(""), "/connexion?interaction=abc");
    EXPECT_FALSE(browser_.cookies.contains(std::string(remembered_identifier_cookie_name)));
}

TEST_F(LoginTest, WrongCredentialsDoNotTouchTheRememberedIdentifier) {
    add_jean();
    auto response = login(jean_nir, "Mauvais2024x", "/connexion", true);
    EXPECT_FALSE(set_cookie(response, remembered_identifier_cookie_name).has_value());
}

TEST_F(LoginTest, LegacyEightDigitPasswordLogsIn) {
    add_account({{"nir", jean_nir}, {"password", "12345678"}, {"legacy_password", true}});
    EXPECT_EQ(login(jean_nir, "12345678").status, 303);
}

TEST_F(LoginTest, ProvisionalIdentifierLogsIn) {
    add_account({{"provisional_id", "P33392250"}, {"password", "Provisoire2024"}});
    auto response = post("/connexion", {{"identifiant", "p 3339 2250"}, {"mot_de_passe", "Provisoire2024"}, {"provisoire", "1"}});
    EXPECT_EQ(response.status, 303);
    auto wrong = post("/connexion", {{"identifiant", "P33392250"}, {"mot_de_passe", "Mauvais2024"}, {"provisoire", "1"}});
    EXPECT_NE(wrong.body.find(html_escaped(wrong_credentials_message(4, 5, LoginIdentifierKind::provisional_id))),
              std::string::npos);
    EXPECT_NE(wrong.body.find(R"(<label for="identifiant">Identifiant provisoire)"), std::string::npos);
}

TEST_F(LoginTest, PasswordIsRehashedWhenTheParametersChanged) {
    PasswordHasher older{Argon2Params{1024, 2, 1, 16, 32}, random_};
    auto account = add_account({{"nir", jean_nir}, {"password", jean_password}}, &older);
    const auto before = storage::Accounts(*db_).find(account)->password_hash.value();
    ASSERT_TRUE(hasher_.needs_rehash(before));

    EXPECT_EQ(login(jean_nir, jean_password).status, 303);
    const auto after = storage::Accounts(*db_).find(account)->password_hash.value();
    EXPECT_NE(after, before);
    EXPECT_FALSE(hasher_.needs_rehash(after));
    EXPECT_TRUE(hasher_.verify(jean_password, after));
    // And the person still logs in with the same password.
    EXPECT_EQ(login(jean_nir, jean_password).status, 303);
}

TEST_F(LoginTest, InteractionExpiredWhileTypingShowsTheExpiredPage) {
    add_jean();
    auto id = add_interaction();
    clock_.advance(std::chrono::seconds{1801});
    auto response = login(jean_nir, jean_password, "/connexion?interaction=" + id);
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(response.body.find("Votre demande de connexion a expiré."), std::string::npos);
}

}  // namespace
}  // namespace caf::account::test
