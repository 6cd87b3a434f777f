// "Mot de passe oublié" (SPEC.md §6) through its handlers: real SQLite store, manual clock, known
// captcha, codes read from the notification queue.
#include "recovery_fixture.hpp"

#include <map>
#include <regex>

#include "account/login/login_service.hpp"
#include "account/personal_data/contact_masking.hpp"
#include "storage/external_links.hpp"
#include "storage/lockout.hpp"
#include "storage/tokens.hpp"

namespace caf::account::test {
namespace {

constexpr const char* new_password = "Nouveau2024Secret";

TEST_F(RecoveryTest, FirstPageAsksIdentifierBirthNameAndCaptcha) {
    auto page = get("/mot-de-passe-oublie");
    EXPECT_EQ(page.status, 200);
    EXPECT_TRUE(has(page, "Numéro de Sécurité sociale"));
    EXPECT_TRUE(has(page, "Nom de naissance"));
    EXPECT_TRUE(has(page, "Vérification de sécurité"));
    auto provisional = get("/mot-de-passe-oublie?provisoire=1");
    EXPECT_TRUE(has(provisional, "P suivi de 8 chiffres"));
}

TEST_F(RecoveryTest, RecoveryByMailEndToEnd) {
    add_jean();
    ASSERT_EQ(ask(jean_nir, "dupont ").status, 303);
    auto choice = current_step();
    EXPECT_EQ(choice.status, 200);
    EXPECT_TRUE(has(choice, "Nous allons vous envoyer un code de vérification par :"));
    EXPECT_TRUE(has(choice, mask_email("jean.dupont@example.test")));
    EXPECT_TRUE(has(choice, mask_phone("0612345678")));
    EXPECT_FALSE(has(choice, "jean.dupont@example.test"));

    ASSERT_EQ(recovery_step("canal", {{"canal", "email"}, {"action", "envoyer"}}).status, 303);
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].channel, "email");
    EXPECT_EQ(queued[0].recipient, "jean.dupont@example.test");
    EXPECT_EQ(queued[0].template_name, "notification_code");
    const auto code = queued[0].data["code"].get<std::string>();
    auto code_page = current_step();
    EXPECT_TRUE(has(code_page, "A noter : ce code de vérification est à usage unique."));
    EXPECT_TRUE(has(code_page, "Vous n'avez rien reçu ?"));
    EXPECT_TRUE(has(code_page, "Demander l'envoi d'un nouveau code"));
    EXPECT_TRUE(has(code_page, "valable 15 minutes"));

    ASSERT_EQ(recovery_step("code", {{"code", code}, {"action", "valider"}}).status, 303);
    auto password_page = current_step();
    EXPECT_TRUE(has(password_page, "Mon mot de passe comporte :"));
    EXPECT_TRUE(has(password_page, "/static/mot-de-passe.js"));

    auto done = recovery_step("mot-de-passe",
                              {{"nouveau_mot_de_passe", new_password}, {"confirmation", new_password}, {"action", "valider"}});
    EXPECT_EQ(done.status, 200);
    EXPECT_TRUE(has(done, "Nouveau mot de passe enregistré"));
    EXPECT_TRUE(has(done, "Votre mot de passe a été modifié avec succès."));
    EXPECT_TRUE(has(done, R"(href="/connexion")"));
    EXPECT_TRUE(has(done, "Se connecter"));
    EXPECT_FALSE(browser_.cookies.contains(std::string(recovery::cookie_name)));
    auto notice = take_queued();
    ASSERT_EQ(notice.size(), 1u);
    EXPECT_EQ(notice[0].template_name, "notification_password_changed");

    EXPECT_EQ(login(jean_nir, jean_password).status, 400);
    EXPECT_EQ(login(jean_nir, new_password).status, 303);
}

TEST_F(RecoveryTest, RecoveryBySmsEndToEnd) {
    add_jean();
    ASSERT_EQ(ask(jean_nir, "DUPONT").status, 303);
    ASSERT_EQ(recovery_step("canal", {{"canal", "sms"}, {"action", "envoyer"}}).status, 303);
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].channel, "sms");
    EXPECT_EQ(queued[0].recipient, "0612345678");
    EXPECT_TRUE(has(current_step(), "valable 10 minutes"));
    ASSERT_EQ(recovery_step("code", {{"code", queued[0].data["code"].get<std::string>()}, {"action", "valider"}}).status, 303);
    auto done = recovery_step("mot-de-passe",
                              {{"nouveau_mot_de_passe", new_password}, {"confirmation", new_password}, {"action", "valider"}});
    EXPECT_TRUE(has(done, "Votre mot de passe a été modifié avec succès."));
    EXPECT_EQ(login(jean_nir, new_password).status, 303);
}

TEST_F(RecoveryTest, NewPasswordFollowsThePolicyAndItsConfirmation) {
    add_jean();
    ask(jean_nir, "Dupont");
    recovery_step("canal", {{"canal", "email"}, {"action", "envoyer"}});
    recovery_step("code", {{"code", queued_code()}, {"action", "valider"}});
    auto weak = recovery_step("mot-de-passe", {{"nouveau_mot_de_passe", "court"}, {"confirmation", "court"}});
    EXPECT_EQ(weak.status, 400);
    auto mismatch = recovery_step("mot-de-passe", {{"nouveau_mot_de_passe", new_password}, {"confirmation", "Autre2024Secret"}});
    EXPECT_EQ(mismatch.status, 400);
    EXPECT_EQ(login(jean_nir, jean_password).status, 303);  // nothing changed
}

TEST_F(RecoveryTest, WrongCodeCountsTries) {
    add_jean();
    ask(jean_nir, "Dupont");
    recovery_step("canal", {{"canal", "email"}, {"action", "envoyer"}});
    const auto code = queued_code();
    const std::string wrong = code == "000000" ? "111111" : "000000";
    auto first = recovery_step("code", {{"code", wrong}, {"action", "valider"}});
    EXPECT_EQ(first.status, 400);
    EXPECT_TRUE(has(first, message(CodeVerification{CodeCheck::wrong, 4})));
    auto second = recovery_step("code", {{"code", wrong}, {"action", "valider"}});
    EXPECT_TRUE(has(second, message(CodeVerification{CodeCheck::wrong, 3})));
    for (int i = 0; i < 3; ++i) recovery_step("code", {{"code", wrong}, {"action", "valider"}});
    // Out of tries: even the right code is refused now.
    auto exhausted = recovery_step("code", {{"code", code}, {"action", "valider"}});
    EXPECT_EQ(exhausted.status, 400);
    EXPECT_TRUE(has(exhausted, message(CodeVerification{CodeCheck::exhausted, 0})));
}

TEST_F(RecoveryTest, ExpiredCodeIsRefused) {
    add_jean();
    ask(jean_nir, "Dupont");
    recovery_step("canal", {{"canal", "email"}, {"action", "envoyer"}});
    const auto code = queued_code();
    clock_.advance(std::chrono::minutes(16));
    auto late = recovery_step("code", {{"code", code}, {"action", "valider"}});
    EXPECT_EQ(late.status, 400);
    EXPECT_TRUE(has(late, message(CodeVerification{CodeCheck::expired, 0})));
}

TEST_F(RecoveryTest, UsedCodeIsRefusedASecondTime) {
    const auto id = add_jean();
    ask(jean_nir, "Dupont");
    recovery_step("canal", {{"canal", "email"}, {"action", "envoyer"}});
    const auto code = queued_code();
    ASSERT_EQ(recovery_step("code", {{"code", code}, {"action", "valider"}}).status, 303);
    // The code page's form again (back button): the request is past it.
    auto again = recovery_step("code", {{"code", code}, {"action", "valider"}});
    EXPECT_EQ(again.status, 303);
    EXPECT_TRUE(has(current_step(), "Mon mot de passe comporte :"));
    auto check = codes_->verify(last_recovery_code_id(), recovery::recovery_code_purpose,
                                "account:" + std::to_string(id), code, clock_.now());
    EXPECT_EQ(check.outcome, CodeCheck::already_used);
}

TEST_F(RecoveryTest, NewCodeOnRequestIsRateLimited) {
    add_jean();
    ask(jean_nir, "Dupont");
    recovery_step("canal", {{"canal", "email"}, {"action", "envoyer"}});
    const auto first = queued_code();
    auto too_soon = recovery_step("code", {{"action", "nouveau-code"}});
    EXPECT_EQ(too_soon.status, 429);
    EXPECT_TRUE(take_queued().empty());
    clock_.advance(std::chrono::seconds(61));
    auto resent = recovery_step("code", {{"action", "nouveau-code"}});
    EXPECT_EQ(resent.status, 200);
    EXPECT_TRUE(has(resent, "Un nouveau code vous a été envoyé."));
    // The queue's claim lease (60 s) has run out too: the first message shows again, the new one last.
    auto queued = take_queued();
    ASSERT_FALSE(queued.empty());
    const auto second = queued.back().data["code"].get<std::string>();
    // The first code stopped working; the new one opens the next step.
    ASSERT_NE(first, second) << "two random 6-digit codes collided (one chance in a million)";
    EXPECT_EQ(recovery_step("code", {{"code", first}, {"action", "valider"}}).status, 400);
    EXPECT_EQ(recovery_step("code", {{"code", second}, {"action", "valider"}}).status, 303);
}

// The pages of a request, with what legitimately differs (tokens, masked values) blanked out.
std::string skeleton(std::string body) {
    body = std::regex_replace(body, std::regex(R"(value="[A-Za-z0-9_\-]{20,}")"), R"(value="TOKEN")");
    body = std::regex_replace(body, std::regex(R"(<strong>[^<]*</strong>)"), "<strong>MASKED</strong>");
    body = std::regex_replace(body, std::regex(R"(\((j|[a-z])\*\*\*@[^)]*\)|\(0[67] [^)]*\))"), "(MASKED)");
    return body;
}

// "email+sms", "letter", "" (no channel)...: which channels an offer shows.
std::string shape_of(const std::vector<recovery::OfferedChannel>& channels) {
    std::string out;
    for (const auto& c : channels) {
        if (!out.empty()) out += '+';
        out += to_string(c.channel);
    }
    return out;
}

// A NIR of no account whose decoy shows `shape` (the fixture's keys are fixed: found the same
// every run).
std::string nir_with_decoy(const PersonalDataProtector& protector, const std::string& shape, int skip = 0) {
    for (int i = 100; i < 1000; ++i) {
        auto nir = parse_login_identifier("1800775123" + std::to_string(i));
        if (!nir) continue;
        if (shape_of(recovery::decoy_channels(protector, password_login::lockout_key(protector, *nir))) != shape) continue;
        if (skip-- == 0) return canonical(*nir);
    }
    ADD_FAILURE() << "no NIR with a decoy " << shape;
    return {};
}

TEST_F(RecoveryTest, UnknownIdentifierAndWrongBirthNameGiveTheSamePages) {
    // Jean's contacts on an identifier whose decoy has the same shape as his real offer (e-mail
    // and SMS), and an unknown identifier of that decoy shape too.
    const auto jeanne_nir = nir_with_decoy(protector_, "email+sms");
    const auto nobody_nir = nir_with_decoy(protector_, "email+sms", 1);
    add_account({{"nir", jeanne_nir}, {"password", jean_password}, {"civilite", "Madame"}, {"birth_name", "DUPONT"},
                 {"first_names", "Jeanne"}, {"birth_date", "1980-07-20"}, {"birth_place", "75056"},
                 {"email", "jean.dupont@example.test"}, {"email_verified", true}, {"phone", "0612345678"}});
    struct Seen {
        int ask_status = 0;
        std::string location, cookie_attributes, choice, code_page;
        int choice_status = 0, send_status = 0;
        std::size_t queued = 0;
    };
    auto walk = [&](const std::string& identifier, const std::string& name) {
        browser_ = {};
        Seen seen;
        auto asked = ask(identifier, name);
        seen.ask_status = asked.status;
        seen.location = location(asked);
        auto cookie = set_cookie(asked, recovery::cookie_name).value_or("");
        seen.cookie_attributes = cookie.substr(cookie.find(';'));
        auto choice = current_step();
        seen.choice_status = choice.status;
        seen.choice = skeleton(choice.body);
        seen.send_status = recovery_step("canal", {{"canal", "email"}, {"action", "envoyer"}}).status;
        seen.queued = take_queued().size();
        seen.code_page = skeleton(current_step().body);
        return seen;
    };
    const auto unknown = walk(nobody_nir, "Durand");
    const auto wrong_name = walk(jeanne_nir, "Martin");
    for (const auto* seen : {&unknown, &wrong_name}) {
        EXPECT_EQ(seen->ask_status, 303);
        EXPECT_EQ(seen->location, "/mot-de-passe-oublie/etapes");
        EXPECT_EQ(seen->choice_status, 200);
        EXPECT_EQ(seen->send_status, 303);
        EXPECT_EQ(seen->queued, 0u);  // nobody receives anything
        EXPECT_NE(seen->choice.find("Nous allons vous envoyer un code de vérification par :"), std::string::npos);
        EXPECT_EQ(seen->choice.find(html_escaped(mask_email("jean.dupont@example.test"))), std::string::npos);
    }
    EXPECT_EQ(unknown.cookie_attributes, wrong_name.cookie_attributes);
    EXPECT_EQ(unknown.choice, wrong_name.choice);
    EXPECT_EQ(unknown.code_page, wrong_name.code_page);

    // And the real request looks the same too, but for its masked values and the message sent.
    const auto real = walk(jeanne_nir, "Dupont");
    EXPECT_EQ(real.choice, unknown.choice);
    EXPECT_EQ(real.code_page, unknown.code_page);
    EXPECT_EQ(real.queued, 1u);
}

TEST_F(RecoveryTest, DecoyChannelsAreStablePerIdentifier) {
    for (const char* key : {"key-a", "key-b", "key-c", "key-d"}) {
        auto a = recovery::decoy_channels(protector_, key);
        auto b = recovery::decoy_channels(protector_, key);
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].masked, b[i].masked);
    }
}

// Real accounts show one channel, two, three (with the letter) or none: so do decoys, in the
// shapes the real masking gives, or a decoy would be told apart by its shape alone.
TEST_F(RecoveryTest, DecoysShowEveryCombinationOfChannelsRealAccountsShow) {
    std::map<std::string, int> seen;
    for (int i = 0; i < 2000; ++i) {
        auto offer = recovery::decoy_channels(protector_, "fictitious-" + std::to_string(i));
        ++seen[shape_of(offer)];
        for (const auto& c : offer) {
            const char* shape = c.channel == CodeChannel::email ? R"([a-z]\*\*\*@[a-z]\*\*\*\.(fr|com|net))"
                                : c.channel == CodeChannel::sms ? R"(0[67] \*\* \*\* \*\* [0-9]{2})"
                                                                : R"(code postal [0-9]{2}\*\*\*)";
            EXPECT_TRUE(std::regex_match(c.masked, std::regex(shape))) << c.masked;
        }
    }
    for (const char* shape : {"email", "sms", "letter", "email+sms", "email+letter", "sms+letter", "email+sms+letter", ""})
        EXPECT_GT(seen[shape], 0) << "no decoy \"" << shape << "\"";
    EXPECT_EQ(seen.size(), 8u);
}

// The "no known contact" page of a real account and of a decoy drawn without a channel: the
// same answer, byte for byte.
TEST_F(RecoveryTest, AccountWithoutContactAndDecoyWithoutChannelGiveTheSamePage) {
    const auto marie_nir = nir_with_decoy(protector_, "email");
    add_account({{"nir", marie_nir}, {"password", jean_password}, {"civilite", "Madame"}, {"birth_name", "DURAND"},
                 {"first_names", "Marie"}, {"birth_date", "1985-07-20"}, {"birth_place", "75056"}});
    const auto walk = [&](const std::string& nir) {
        browser_ = {};
        auto asked = ask(nir, "Durand");
        EXPECT_EQ(asked.status, 303);
        EXPECT_EQ(location(asked), "/mot-de-passe-oublie/etapes");
        return current_step();
    };
    const auto real = walk(marie_nir);
    const auto decoy = walk(nir_with_decoy(protector_, ""));
    EXPECT_TRUE(has(real, "Demandez à votre Caf de mettre à jour vos coordonnées de contact"));
    EXPECT_EQ(decoy.status, real.status);
    EXPECT_EQ(decoy.body, real.body);
}

TEST_F(RecoveryTest, ResetClearsLockoutAndRevokesEverySessionAndToken) {
    const auto id = add_jean();
    // A session elsewhere, and a refresh token of it.
    ASSERT_EQ(login(jean_nir, jean_password).status, 303);
    const auto now_s = to_unix_seconds(clock_.now());
    storage::Sessions sessions(*db_);
    ASSERT_EQ(db_->read([&](storage::Connection& c) { return sessions.list_active_of_account(c, id, now_s).size(); }), 1u);
    storage::RefreshToken token;
    token.digest = "refresh-digest";
    token.family_id = "family";
    token.client_id = "portal";
    token.account_id = id;
    token.scope = "openid";
    token.created_at = now_s;
    token.expires_at = now_s + 86400;
    token.idle_expires_at = now_s + 86400;
    db_->transaction([&](storage::Connection& c) { storage::RefreshTokens(*db_).create(c, token); });
    // Two wrong attempts counted against the NIR.
    login(jean_nir, "Mauvais2024");
    login(jean_nir, "Mauvais2024");
    const auto key = password_login::lockout_key(protector_, *parse_login_identifier(jean_nir));
    ASSERT_EQ(storage::Lockouts(*db_).get(key).failures, 2);

    browser_ = {};
    auto done = recover_jean("email", new_password);
    ASSERT_TRUE(has(done, "Votre mot de passe a été modifié avec succès."));

    const auto later = to_unix_seconds(clock_.now());
    EXPECT_EQ(storage::Lockouts(*db_).get(key).failures, 0);
    EXPECT_EQ(db_->read([&](storage::Connection& c) { return sessions.list_active_of_account(c, id, later).size(); }), 0u);
    auto stored = db_->read([&](storage::Connection& c) { return storage::RefreshTokens(*db_).find(c, "refresh-digest"); });
    ASSERT_TRUE(stored);
    EXPECT_TRUE(stored->revoked_at.has_value());
    auto audit = db_->read([&](storage::Connection& c) {
        return c.query_one("SELECT COUNT(*) FROM audit_log WHERE action = 'password.reset' AND account_id = ?", {id});
    });
    EXPECT_EQ(audit->integer(0), 1);
}

// Whoever linked a FranceConnect identity with the old password loses it with the reset: the
// person links again (SPEC.md §8 step 4).
TEST_F(RecoveryTest, ResetDropsTheAccountsProviderLinks) {
    const auto id = add_jean();
    const auto now_s = to_unix_seconds(clock_.now());
    db_->transaction([&](storage::Connection& c) {
        storage::ExternalLinks(*db_).link(c, storage::ExternalLink{"franceconnect", std::string(64, 'b') + "v1", id, now_s});
    });
    ASSERT_EQ(storage::ExternalLinks(*db_).list_of_account(id).size(), 1u);

    auto done = recover_jean("email", new_password);
    ASSERT_TRUE(has(done, "Votre mot de passe a été modifié avec succès."));

    EXPECT_TRUE(storage::ExternalLinks(*db_).list_of_account(id).empty());
    auto removed = db_->read([&](storage::Connection& c) {
        return c.query_one("SELECT details FROM audit_log WHERE action = 'external_link.removed' AND account_id = ?", {id});
    });
    ASSERT_TRUE(removed);
    auto details = nlohmann::json::parse(removed->text(0));
    EXPECT_EQ(details["reason"], "password_reset");
    EXPECT_EQ(details["provider"], "franceconnect");
}

TEST_F(RecoveryTest, TooManyRequestsForOneIdentifierAreRefused) {
    add_jean();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(ask(jean_nir, "Dupont").status, 303) << i;
    auto refused = ask(jean_nir, "Dupont");
    EXPECT_EQ(refused.status, 429);
    EXPECT_TRUE(has(refused, "Trop de demandes"));
    // The same for an identifier without account.
    for (int i = 0; i < 5; ++i) ask(unknown_nir, "Durand");
    EXPECT_EQ(ask(unknown_nir, "Durand").status, 429);
    clock_.advance(std::chrono::hours(1));
    EXPECT_EQ(ask(jean_nir, "Dupont").status, 303);
}

TEST_F(RecoveryTest, TooManyRequestsFromOneAddressAreRefused) {
    for (int i = 0; i < 20; ++i) {
        char nir[24];  // room for any int: the sanitized build's -Wformat-truncation does not see i < 20
        std::snprintf(nir, sizeof nir, "2850775123%03d", i + 1);
        EXPECT_EQ(ask(nir, "Durand").status, 303) << nir;
    }
    auto refused = ask("2850775123999", "Durand");
    EXPECT_EQ(refused.status, 429);
    EXPECT_TRUE(has(refused, "Trop de demandes"));
}

TEST_F(RecoveryTest, WrongCaptchaOrMalformedIdentifierStaysOnTheFirstPage) {
    add_jean();
    auto captcha = ask(jean_nir, "Dupont", "WRONG1");
    EXPECT_EQ(captcha.status, 400);
    EXPECT_TRUE(has(captcha, "Les caractères saisis ne correspondent pas à l'image."));
    auto malformed = ask("12345", "Dupont");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_FALSE(browser_.cookies.contains(std::string(recovery::cookie_name)));
}

TEST_F(RecoveryTest, NoKnownContactSaysToAskTheCaf) {
    add_account({{"nir", unknown_nir}, {"password", jean_password}, {"civilite", "Madame"}, {"birth_name", "DURAND"},
                 {"first_names", "Marie"}, {"birth_date", "1985-07-20"}, {"birth_place", "75056"}});
    ASSERT_EQ(ask(unknown_nir, "Durand").status, 303);
    auto page = current_step();
    EXPECT_TRUE(has(page, "Demandez à votre Caf de mettre à jour vos coordonnées de contact"));
}

TEST_F(RecoveryTest, LetterIsOfferedWhenAPostalAddressIsKnown) {
    add_account({{"nir", unknown_nir}, {"password", jean_password}, {"civilite", "Madame"}, {"birth_name", "DURAND"},
                 {"first_names", "Marie"}, {"birth_date", "1985-07-20"}, {"birth_place", "75056"},
                 {"postal_address", "Mme Marie DURAND\n12 rue des Lilas\n31000 TOULOUSE"}});
    ASSERT_EQ(ask(unknown_nir, "Durand").status, 303);
    auto page = current_step();
    EXPECT_TRUE(has(page, "Courrier"));
    EXPECT_TRUE(has(page, "code postal 31***"));
    EXPECT_FALSE(has(page, "Lilas"));
    ASSERT_EQ(recovery_step("canal", {{"canal", "letter"}, {"action", "envoyer"}}).status, 303);
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].channel, "letter");
    EXPECT_TRUE(has(current_step(), "valable 15 jours"));
    // The request outlives the usual half hour: the letter takes days.
    clock_.advance(std::chrono::hours(72));
    EXPECT_EQ(recovery_step("code", {{"code", queued[0].data["code"].get<std::string>()}, {"action", "valider"}}).status, 303);
    EXPECT_TRUE(has(current_step(), "Mon mot de passe comporte :"));
}

TEST_F(RecoveryTest, AbandonDropsTheRequest) {
    add_jean();
    ask(jean_nir, "Dupont");
    auto quit = post("/mot-de-passe-oublie/abandonner", {}, "recuperation");
    EXPECT_EQ(quit.status, 303);
    EXPECT_EQ(current_step().status, 400);
}

TEST_F(RecoveryTest, RecoveryRoutesAreBlocking) {
    for (auto [method, path] : {std::pair{"GET", "/mot-de-passe-oublie"}, {"POST", "/mot-de-passe-oublie"},
                                {"GET", "/mot-de-passe-oublie/etapes"}, {"POST", "/mot-de-passe-oublie/etapes"},
                                {"POST", "/mot-de-passe-oublie/abandonner"}, {"GET", "/identifiant-provisoire-oublie"},
                                {"POST", "/identifiant-provisoire-oublie"}}) {
        auto match = router_.find(method, path);
        ASSERT_NE(match.route, nullptr) << method << " " << path;
        EXPECT_EQ(match.route->execution, http::Execution::blocking) << method << " " << path;
    }
}

}  // namespace
}  // namespace caf::account::test
