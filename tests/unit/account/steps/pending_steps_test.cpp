// The steps pending after the password (SPEC.md §2, §3, §5): detection and order, CGU, forced
// renewal and its incitation, the legacy first connection end to end, then the session and the
// interaction; "Modifier mon mot de passe" and "Mon historique".
#include "security_fixture.hpp"

#include "account/history/login_history.hpp"
#include "account/password/password_policy.hpp"
#include "account/steps/pending_login.hpp"
#include "account/steps/pending_steps.hpp"
#include "account/web/password_change.hpp"
#include "storage/audit_log.hpp"
#include "storage/sessions.hpp"
#include "storage/tokens.hpp"

namespace caf::account::test {
namespace {

constexpr const char* florence_nir = "2700375056045";

std::int64_t day(const char* text) { return *config::parse_day(text); }
TimePoint at_day(const char* text) { return TimePoint{std::chrono::seconds{day(text) + 10 * 3600}}; }

StepRules documents_rules() {
    config::Config config;
    config.password_renewal = {"2024-03-08", "2024-02-15", "2024-02-22", "2024-03-07"};
    return step_rules(config);
}

storage::Account account_with(std::optional<std::string> cgu, std::optional<std::int64_t> changed, bool legacy = false) {
    storage::Account a;
    a.cgu_version = std::move(cgu);
    a.password_changed_at = changed;
    a.legacy_password = legacy;
    return a;
}

TEST(PendingSteps, InTheOrderOfTheSpecification) {
    auto rules = documents_rules();
    const auto now = day("2024-04-01");
    EXPECT_TRUE(detect_pending_steps(account_with("2024-03", day("2024-03-01")), now, rules).empty());
    EXPECT_EQ(detect_pending_steps(account_with("2023-01", day("2024-03-01")), now, rules),
              (std::vector{PendingStep::accept_cgu}));
    EXPECT_EQ(detect_pending_steps(account_with("2023-01", day("2023-06-01")), now, rules),
              (std::vector{PendingStep::accept_cgu, PendingStep::renew_password}));
    // A legacy account: the first connection alone (its own CGU and password steps).
    EXPECT_EQ(detect_pending_steps(account_with(std::nullopt, day("2019-05-01"), true), now, rules),
              (std::vector{PendingStep::legacy_first_connection}));
    EXPECT_EQ(detect_pending_steps(account_with(std::nullopt, day("2024-03-01")), now, rules),
              (std::vector{PendingStep::legacy_first_connection}));
    EXPECT_EQ(steps::stages_of({PendingStep::legacy_first_connection}),
              (std::vector{steps::Stage::legacy_intro, steps::Stage::cgu, steps::Stage::legacy_password,
                           steps::Stage::contact}));
}

TEST(PendingSteps, ForcedRenewalFromItsDateForPasswordsChangedBeforeTheCutOff) {
    auto rules = documents_rules();
    auto old = account_with("2024-03", day("2024-02-14"));
    auto recent = account_with("2024-03", day("2024-02-15"));
    EXPECT_EQ(detect_pending_steps(old, day("2024-03-08"), rules), (std::vector{PendingStep::renew_password}));
    EXPECT_TRUE(detect_pending_steps(recent, day("2024-03-08"), rules).empty());
    // Before the enforcement: the incitation window, then nothing.
    EXPECT_EQ(detect_pending_steps(old, day("2024-02-22"), rules), (std::vector{PendingStep::suggest_password_renewal}));
    EXPECT_EQ(detect_pending_steps(old, day("2024-03-07") + 86399, rules),
              (std::vector{PendingStep::suggest_password_renewal}));
    EXPECT_TRUE(detect_pending_steps(old, day("2024-02-21"), rules).empty());
    EXPECT_TRUE(detect_pending_steps(recent, day("2024-03-01"), rules).empty());
}

TEST(PendingLoginSeal, OnlyTheCookieOpensIt) {
    steps::PendingLogin p;
    p.account_id = 7;
    p.interaction_id = "secret-interaction";
    p.stages = {steps::Stage::cgu, steps::Stage::contact};
    auto sealed = steps::PendingLogins::seal("cookie-id-0123456789abcdef", p);
    EXPECT_EQ(sealed.find("secret-interaction"), std::string::npos);
    auto opened = steps::PendingLogins::open("cookie-id-0123456789abcdef", sealed);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(opened->interaction_id, p.interaction_id);
    EXPECT_EQ(opened->stages, p.stages);
    EXPECT_FALSE(steps::PendingLogins::open("another-cookie-0123456789ab", sealed).has_value());
}

class StepsTest : public SecurityTest {
protected:
    std::int64_t add_florence() {
        return add_account({{"nir", florence_nir}, {"password", "12345678"}, {"legacy_password", true},
                            {"civilite", "Madame"}, {"birth_name", "DUCHAIS"}, {"first_names", "Florence"},
                            {"birth_date", "1970-03-08"}, {"birth_place", "75056"},
                            {"email", "florence.duchais@example.test"}, {"email_verified", true},
                            {"phone", "0600000003"}, {"password_changed_at", "2019-05-01"}});
    }
    bool interaction_completed(const std::string& id) {
        auto found = storage::Interactions(*db_).find(login::digest(id), to_unix_seconds(clock_.now()));
        return found && found->result.has_value();
    }
};

TEST_F(StepsTest, CguOfANewVersionMustBeAcceptedBeforeTheSessionOpens) {
    auto id = add_account({{"nir", jean_nir}, {"password", jean_password}, {"cgu_version", "2023-01"},
                           {"email", "jean.dupont@example.test"}});
    auto interaction = add_interaction();
    auto response = login(jean_nir, jean_password, "/connexion?interaction=" + interaction);
    ASSERT_EQ(response.status, 303);
    EXPECT_EQ(location(response), "/connexion/etapes");
    EXPECT_FALSE(set_cookie(response, login::session_cookie).has_value()) << "no session before the steps";
    EXPECT_TRUE(set_cookie(response, steps::cookie_name).has_value());
    EXPECT_FALSE(interaction_completed(interaction));

    auto page = get("/connexion/etapes");
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(has(page, "J'ai pris connaissance des conditions générales d'utilisation et je les accepte"));
    EXPECT_TRUE(has(page, "Règles d'utilisation de l'Espace Mon Compte")) << "the text of web/cgu/2024-03.html";

    auto refused = step("cgu", {});
    EXPECT_EQ(refused.status, 400);
    EXPECT_TRUE(has(refused, "vous devez prendre connaissance des conditions générales d'utilisation"));
    EXPECT_FALSE(set_cookie(refused, login::session_cookie).has_value());

    auto accepted = step("cgu", {{"accepte_cgu", "1"}});
    ASSERT_EQ(accepted.status, 303);
    EXPECT_EQ(location(accepted), login::resume_url(interaction));
    EXPECT_TRUE(set_cookie(accepted, login::session_cookie).has_value());
    EXPECT_TRUE(interaction_completed(interaction));
    EXPECT_EQ(storage::Accounts(*db_).find(id)->cgu_version, "2024-03");
    // The pending login is gone: replaying it does nothing.
    EXPECT_EQ(get("/connexion/etapes").status, 400);
}

TEST_F(StepsTest, LegacyFirstConnectionEndToEnd) {
    auto id = add_florence();
    auto interaction = add_interaction();
    auto response = login(florence_nir, "12345678", "/connexion?interaction=" + interaction);
    ASSERT_EQ(response.status, 303);
    EXPECT_EQ(location(response), "/connexion/etapes");

    auto intro = get("/connexion/etapes");
    EXPECT_TRUE(has(intro, "Pour faire ce changement, 3 étapes. 5 à 10 minutes sont nécessaires."));
    // A form of a later step is not taken before its turn.
    EXPECT_EQ(step("mot-de-passe", {{"nouveau_mot_de_passe", "Nouveau2024Caf"}, {"confirmation", "Nouveau2024Caf"}}).status, 303);
    EXPECT_TRUE(storage::Accounts(*db_).find(id)->legacy_password);

    ASSERT_EQ(step("introduction", {{"action", "commencer"}}).status, 303);
    ASSERT_EQ(step("cgu", {{"accepte_cgu", "1"}}).status, 303);

    auto password_page = get("/connexion/etapes");
    EXPECT_TRUE(has(password_page, "Pour ma 1ère connexion, je choisis mon mot de passe personnel."));
    EXPECT_TRUE(has(password_page, "1 lettre majuscule"));
    auto weak = step("mot-de-passe", {{"nouveau_mot_de_passe", "nouveau2024"}, {"confirmation", "nouveau2024"}});
    EXPECT_EQ(weak.status, 400);
    EXPECT_TRUE(has(weak, message(PasswordRule::upper_case))) << weak.body;
    auto mismatch = step("mot-de-passe", {{"nouveau_mot_de_passe", "Nouveau2024Caf"}, {"confirmation", "Nouveau2024Cag"}});
    EXPECT_EQ(mismatch.status, 400);
    ASSERT_EQ(step("mot-de-passe", {{"nouveau_mot_de_passe", "Nouveau2024Caf"}, {"confirmation", "Nouveau2024Caf"}}).status, 303);
    auto account = storage::Accounts(*db_).find(id);
    EXPECT_FALSE(account->legacy_password);
    EXPECT_EQ(account->cgu_version, "2024-03");

    auto contact = get("/connexion/etapes");
    EXPECT_TRUE(has(contact, "06 ** ** ** 03")) << contact.body;
    EXPECT_TRUE(has(contact, "Passer cette étape"));
    EXPECT_EQ(contact.body.find("0600000003"), std::string::npos);
    ASSERT_EQ(step("coordonnees", {{"action", "envoyer"}, {"canal", "sms"}}).status, 303);
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].template_name, "notification_code");
    EXPECT_EQ(queued[0].recipient, "0600000003");
    const auto code = queued[0].data["code"].get<std::string>();
    auto code_page = get("/connexion/etapes");
    EXPECT_TRUE(has(code_page, "Nous venons de vous envoyer un code de vérification par SMS sur le numéro suivant 06 ** ** ** 03"));
    EXPECT_TRUE(has(code_page, "Vous n'avez rien reçu ?"));
    EXPECT_TRUE(has(code_page, "Demander l'envoi d'un nouveau code"));
    EXPECT_EQ(step("coordonnees", {{"action", "valider"}, {"code", code == "000000" ? "111111" : "000000"}}).status, 400);
    EXPECT_FALSE(interaction_completed(interaction));

    auto done = step("coordonnees", {{"action", "valider"}, {"code", code}});
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_TRUE(has(done, "Vous venez de créer votre Espace Mon Compte. Pour y accéder, utilisez votre numéro de Sécurité sociale."));
    EXPECT_NE(done.body.find(html_escaped(login::resume_url(interaction))), std::string::npos);
    EXPECT_TRUE(set_cookie(done, login::session_cookie).has_value());
    EXPECT_TRUE(interaction_completed(interaction));
    EXPECT_TRUE(storage::Accounts(*db_).find(id)->phone_verified);
    auto confirmation = take_queued();
    ASSERT_EQ(confirmation.size(), 1u);
    EXPECT_EQ(confirmation[0].template_name, "notification_account_created");
    EXPECT_EQ(confirmation[0].channel, "sms");

    // Next time: the new password, no step.
    browser_.cookies.clear();
    auto next_time = login(florence_nir, "Nouveau2024Caf");
    EXPECT_EQ(location(next_time), "/mon-compte");
    EXPECT_NE(login(florence_nir, "12345678").status, 303);
}

TEST_F(StepsTest, ContactStepCanBeSkippedAndANewCodeAsked) {
    auto id = add_florence();
    login(florence_nir, "12345678");
    step("introduction", {{"action", "commencer"}});
    step("cgu", {{"accepte_cgu", "1"}});
    step("mot-de-passe", {{"nouveau_mot_de_passe", "Nouveau2024Caf"}, {"confirmation", "Nouveau2024Caf"}});
    ASSERT_EQ(step("coordonnees", {{"action", "envoyer"}, {"canal", "email"}}).status, 303);
    auto too_soon = step("coordonnees", {{"action", "nouveau-code"}});
    EXPECT_EQ(too_soon.status, 429);
    clock_.advance(std::chrono::minutes{2});
    auto resent = step("coordonnees", {{"action", "nouveau-code"}});
    EXPECT_EQ(resent.status, 200);
    EXPECT_EQ(take_queued().size(), 2u);

    auto skipped = step("coordonnees", {{"action", "passer"}});
    ASSERT_EQ(skipped.status, 200);
    EXPECT_TRUE(has(skipped, "Vous venez de créer votre Espace Mon Compte."));
    EXPECT_NE(skipped.body.find("/mon-compte"), std::string::npos);
    EXPECT_TRUE(set_cookie(skipped, login::session_cookie).has_value());
    EXPECT_FALSE(storage::Accounts(*db_).find(id)->phone_verified);
    auto confirmation = take_queued();
    ASSERT_EQ(confirmation.size(), 1u);
    EXPECT_EQ(confirmation[0].channel, "email");
}

TEST_F(StepsTest, ForcedRenewalNeedsACodeSentToAKnownContactBeforeTheNewPassword) {
    config_.password_renewal = {"2024-03-08", "2024-02-15", "2024-02-22", "2024-03-07"};
    auto id = add_account({{"nir", jean_nir}, {"password", jean_password}, {"cgu_version", "2024-03"},
                           {"email", "jean.dupont@example.test"}, {"phone", "0600000001"},
                           {"password_changed_at", "2024-01-10"}});
    clock_.set(at_day("2024-03-08"));
    const auto changed_before = storage::Accounts(*db_).find(id)->password_changed_at;
    auto response = login(jean_nir, jean_password);
    EXPECT_EQ(location(response), "/connexion/etapes");
    auto page = get("/connexion/etapes");
    EXPECT_TRUE(has(page, "Renouvellement de votre mot de passe")) << page.body;
    EXPECT_TRUE(has(page, "j***@e***.test")) << "the contacts, masked";
    EXPECT_TRUE(has(page, "06 ** ** ** 01"));
    EXPECT_EQ(page.body.find("jean.dupont@example.test"), std::string::npos);
    EXPECT_EQ(page.body.find("Plus tard"), std::string::npos) << "not skippable";
    EXPECT_EQ(page.body.find("Passer cette étape"), std::string::npos) << "not skippable";

    // Whoever holds the leaked password cannot choose the new one without the code.
    auto direct = step("renouvellement", {{"nouveau_mot_de_passe", "Attaquant2024"}, {"confirmation", "Attaquant2024"}});
    EXPECT_NE(direct.status, 200);
    EXPECT_FALSE(set_cookie(direct, login::session_cookie).has_value());
    EXPECT_EQ(storage::Accounts(*db_).find(id)->password_changed_at, changed_before);
    EXPECT_EQ(step("renouvellement", {{"action", "passer"}}).status, 303);
    EXPECT_FALSE(set_cookie(get("/connexion/etapes"), login::session_cookie).has_value());

    ASSERT_EQ(step("renouvellement", {{"action", "envoyer"}, {"canal", "email"}}).status, 303);
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].template_name, "notification_code");
    EXPECT_EQ(queued[0].recipient, "jean.dupont@example.test");
    const auto code = queued[0].data["code"].get<std::string>();
    auto code_page = get("/connexion/etapes");
    EXPECT_TRUE(has(code_page, "par mail à l'adresse suivante j***@e***.test")) << code_page.body;
    EXPECT_EQ(code_page.body.find("Passer cette étape"), std::string::npos);
    auto still_direct = step("renouvellement", {{"nouveau_mot_de_passe", "Attaquant2024"}, {"confirmation", "Attaquant2024"}});
    EXPECT_FALSE(set_cookie(still_direct, login::session_cookie).has_value());
    EXPECT_EQ(storage::Accounts(*db_).find(id)->password_changed_at, changed_before);
    auto wrong = step("renouvellement", {{"action", "valider"}, {"code", code == "000000" ? "111111" : "000000"}});
    EXPECT_EQ(wrong.status, 400);

    ASSERT_EQ(step("renouvellement", {{"action", "valider"}, {"code", code}}).status, 303);
    auto password_page = get("/connexion/etapes");
    EXPECT_TRUE(has(password_page, "Modifier mon mot de passe"));
    EXPECT_TRUE(has(password_page, "votre mot de passe doit être renouvelé"));
    auto same_rules = step("renouvellement", {{"nouveau_mot_de_passe", "court1A"}, {"confirmation", "court1A"}});
    EXPECT_EQ(same_rules.status, 400);
    auto done = step("renouvellement", {{"nouveau_mot_de_passe", "Renouvele2024"}, {"confirmation", "Renouvele2024"}});
    EXPECT_EQ(location(done), "/mon-compte");
    EXPECT_EQ(storage::Accounts(*db_).find(id)->password_changed_at, to_unix_seconds(clock_.now()));
    queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].template_name, "notification_password_changed");
    browser_.cookies.clear();
    EXPECT_EQ(location(login(jean_nir, "Renouvele2024")), "/mon-compte");
}

TEST_F(StepsTest, ForcedRenewalWithoutMailOrPhonePointsToPasswordRecovery) {
    config_.password_renewal = {"2024-03-08", "2024-02-15", "2024-02-22", "2024-03-07"};
    auto id = add_account({{"nir", jean_nir}, {"password", jean_password}, {"cgu_version", "2024-03"},
                           {"password_changed_at", "2024-01-10"}});
    clock_.set(at_day("2024-03-08"));
    const auto changed_before = storage::Accounts(*db_).find(id)->password_changed_at;
    login(jean_nir, jean_password);
    auto page = get("/connexion/etapes");
    EXPECT_TRUE(has(page, "Mot de passe oublié")) << page.body;
    EXPECT_FALSE(has(page, "Envoyer le code"));
    auto direct = step("renouvellement", {{"nouveau_mot_de_passe", "Attaquant2024"}, {"confirmation", "Attaquant2024"}});
    EXPECT_FALSE(set_cookie(direct, login::session_cookie).has_value());
    EXPECT_EQ(storage::Accounts(*db_).find(id)->password_changed_at, changed_before);
}

TEST_F(StepsTest, IncitationCanBeSkippedOrFollowed) {
    config_.password_renewal = {"2024-03-08", "2024-02-15", "2024-02-22", "2024-03-07"};
    add_account({{"nir", jean_nir}, {"password", jean_password}, {"cgu_version", "2024-03"},
                 {"password_changed_at", "2024-01-10"}});
    clock_.set(at_day("2024-03-01"));
    login(jean_nir, jean_password);
    auto page = get("/connexion/etapes");
    EXPECT_TRUE(has(page, "Protégez-vous, modifiez votre mot de passe"));
    EXPECT_TRUE(has(page, "Plus tard"));
    auto later = step("incitation", {{"action", "plus-tard"}});
    EXPECT_EQ(location(later), "/mon-compte");
    EXPECT_TRUE(set_cookie(later, login::session_cookie).has_value());

    browser_.cookies.clear();
    login(jean_nir, jean_password);
    ASSERT_EQ(step("incitation", {{"action", "modifier"}}).status, 303);
    EXPECT_TRUE(has(get("/connexion/etapes"), "Nouveau mot de passe"));
    EXPECT_EQ(location(step("modification", {{"nouveau_mot_de_passe", "Incite2024Caf"}, {"confirmation", "Incite2024Caf"}})),
              "/mon-compte");
}

TEST_F(StepsTest, QuitDropsThePendingLogin) {
    add_florence();
    auto interaction = add_interaction();
    login(florence_nir, "12345678", "/connexion?interaction=" + interaction);
    auto quit = post("/connexion/etapes/quitter", {}, "etapes");
    EXPECT_EQ(location(quit), "/connexion?interaction=" + interaction);
    EXPECT_EQ(get("/connexion/etapes").status, 400);
}

TEST_F(StepsTest, PendingLoginExpires) {
    add_florence();
    login(florence_nir, "12345678");
    clock_.advance(steps::pending_lifetime + std::chrono::seconds{1});
    EXPECT_EQ(get("/connexion/etapes").status, 400);
}

TEST_F(SecurityTest, ChangingThePasswordRevokesOtherSessionsAndTokens) {
    auto id = add_jean();
    // Another device first.
    login(jean_nir, jean_password);
    const auto other = login::digest(browser_.cookies.at(std::string(login::session_cookie)));
    browser_.cookies.erase(std::string(login::session_cookie));
    login(jean_nir, jean_password);
    const auto mine = login::digest(browser_.cookies.at(std::string(login::session_cookie)));
    const auto now = to_unix_seconds(clock_.now());
    storage::RefreshTokens refresh(*db_);
    refresh.create({"rt-other", "f1", "portal", id, "openid offline_access", other, std::nullopt, now, now + 3600,
                    now + 3600, std::nullopt, std::nullopt});

    ASSERT_EQ(get("/mon-compte/mot-de-passe").status, 200);
    auto wrong = post("/mon-compte/mot-de-passe", {{"mot_de_passe_actuel", "Mauvais2024"},
                                                    {"nouveau_mot_de_passe", "Change2024Caf"},
                                                    {"confirmation", "Change2024Caf"}}, "mot-de-passe");
    EXPECT_EQ(wrong.status, 400);
    EXPECT_TRUE(has(wrong, "Votre mot de passe actuel est incorrect."));
    auto weak = post("/mon-compte/mot-de-passe", {{"mot_de_passe_actuel", jean_password},
                                                   {"nouveau_mot_de_passe", "change2024caf"},
                                                   {"confirmation", "change2024caf"}}, "mot-de-passe");
    EXPECT_TRUE(has(weak, message(PasswordRule::upper_case)));
    auto ok = post("/mon-compte/mot-de-passe", {{"mot_de_passe_actuel", jean_password},
                                                 {"nouveau_mot_de_passe", "Change2024Caf"},
                                                 {"confirmation", "Change2024Caf"}}, "mot-de-passe");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_TRUE(has(ok, "Votre mot de passe a été modifié avec succès."));
    storage::Sessions sessions(*db_);
    EXPECT_FALSE(sessions.find_active(other, now).has_value());
    EXPECT_TRUE(sessions.find_active(mine, now).has_value());
    EXPECT_TRUE(refresh.find("rt-other")->revoked_at.has_value());
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].template_name, "notification_password_changed");
    storage::AuditQuery q;
    q.account_id = id;
    q.action = "password.changed";
    EXPECT_EQ(storage::AuditLog(*db_).list(q).size(), 1u);
}

TEST_F(SecurityTest, PasswordChangeLimitRefusesEvenTheRightCurrentPasswordUntilTheWindowEnds) {
    add_jean();
    login(jean_nir, jean_password);
    const auto change = [&](const char* current) {
        return post("/mon-compte/mot-de-passe", {{"mot_de_passe_actuel", current},
                                                 {"nouveau_mot_de_passe", "Change2024Caf"},
                                                 {"confirmation", "Change2024Caf"}}, "mot-de-passe");
    };
    ASSERT_EQ(get("/mon-compte/mot-de-passe").status, 200);
    for (int i = 0; i < password_change_max_wrong; ++i) EXPECT_EQ(change("Mauvais2024").status, 400);
    const auto wrong = change("Mauvais2024");
    EXPECT_EQ(wrong.status, 429);
    // The right current password now gets the same refusal, and changes nothing: whoever holds
    // the session cannot tell it was right.
    const auto right = change(jean_password);
    EXPECT_EQ(right.status, 429) << right.body;
    EXPECT_TRUE(has(right, "Trop de tentatives. Réessayez dans quelques minutes."));
    EXPECT_FALSE(has(right, "Votre mot de passe a été modifié avec succès."));
    EXPECT_TRUE(take_queued().empty());
    clock_.advance(std::chrono::seconds{password_change_window_seconds});
    const auto later = change(jean_password);
    EXPECT_EQ(later.status, 200) << later.body;
    EXPECT_TRUE(has(later, "Votre mot de passe a été modifié avec succès."));
}

TEST_F(SecurityTest, PasswordChangeAndHistoryNeedASession) {
    EXPECT_EQ(get("/mon-compte/mot-de-passe").status, 303);
    EXPECT_EQ(get("/mon-compte/historique").status, 303);
}

TEST_F(SecurityTest, HistoryListsRecentLoginsWithMethodClientAndDevice) {
    add_jean();
    config_.clients.push_back({});
    config_.clients.back().client_id = "portal";
    config_.clients.back().name = "caf.fr";
    auto interaction = add_interaction();
    http::Params form{{"identifiant", jean_nir}, {"mot_de_passe", jean_password}};
    http::Request r;
    r.method = "POST";
    r.target = "/connexion?interaction=" + interaction;
    browser_.cookies[std::string(CsrfGuard::cookie_name)] = std::string(43, 'k');
    r.headers.set("Cookie", browser_.header());
    r.headers.set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0");
    r.headers.set("Content-Type", "application/x-www-form-urlencoded");
    form.emplace_back(std::string(CsrfGuard::field_name), csrf_.issue(r, "login").token);
    r.body = http::encode_params(form);
    ASSERT_EQ(call(std::move(r)).status, 303);
    auto page = get("/mon-compte/historique");
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(has(page, "Mon historique"));
    EXPECT_TRUE(has(page, "Mot de passe"));
    EXPECT_TRUE(has(page, "caf.fr"));
    EXPECT_TRUE(has(page, "Firefox sur Linux"));
    EXPECT_TRUE(has(page, "14/11/2023 à 23:13")) << page.body;  // 1 700 000 000 s, Paris winter time
}

TEST(DeviceLabel, SaysBrowserAndSystemOnly) {
    EXPECT_EQ(device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                           "Chrome/120.0 Safari/537.36 Edg/120.0"), "Edge sur Windows");
    EXPECT_EQ(device_label("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                           "Gecko) Version/17.0 Mobile/15E148 Safari/604.1"), "Safari sur iPhone");
    EXPECT_EQ(device_label("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"),
              "Chrome sur Android");
    EXPECT_EQ(device_label(""), "Navigateur inconnu");
}

TEST(ParisDateTime, FollowsSummerTime) {
    EXPECT_EQ(paris_date_time(day("2024-07-01") + 10 * 3600), "01/07/2024 à 12:00");
    EXPECT_EQ(paris_date_time(day("2024-01-01") + 10 * 3600), "01/01/2024 à 11:00");
}

}  // namespace
}  // namespace caf::account::test
