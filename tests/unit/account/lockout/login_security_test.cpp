// Login security at the login page (SPEC.md §3): the captcha from the 4th attempt, checked before
// the password; the freeze notice queued with the freeze; the per-IP limit; the [lockout] config.
#include "security_fixture.hpp"

#include <atomic>
#include <fstream>
#include <latch>
#include <thread>

#include "account/lockout/lockout_messages.hpp"
#include "account/login/login_service.hpp"
#include "notify/notification_dispatcher.hpp"
#include "notify/notification_templates.hpp"
#include "notify/outbox_transport.hpp"
#include "account/web/login_page.hpp"
#include "storage/audit_log.hpp"

namespace caf::account::test {
namespace {

constexpr const char* wrong_password = "Mauvais2024x";

TEST_F(SecurityTest, CaptchaAppearsAfterThreeFailures) {
    add_jean();
    auto first = login(jean_nir, wrong_password);
    EXPECT_FALSE(has(first, "Vérification de sécurité"));
    login(jean_nir, wrong_password);
    auto third = login(jean_nir, wrong_password);
    EXPECT_TRUE(has(third, "Vérification de sécurité")) << third.body;
    EXPECT_TRUE(has(third, "Saisir les caractères ci-dessus"));
    EXPECT_TRUE(has(third, "Afficher une nouvelle image"));
    EXPECT_NE(third.body.find(R"(src="/captcha/)" + captcha_.last_id() + R"(.png")"), std::string::npos);
    EXPECT_TRUE(has(third, wrong_credentials_message(2)));
}

TEST_F(SecurityTest, MissingOrWrongCaptchaRefusesEvenTheRightPasswordWithoutCountingIt) {
    add_jean();
    for (int i = 0; i < 3; ++i) login(jean_nir, wrong_password);

    auto missing = login(jean_nir, jean_password);
    EXPECT_EQ(missing.status, 400);
    EXPECT_TRUE(has(missing, password_login::captcha_message(true))) << missing.body;
    EXPECT_FALSE(set_cookie(missing, login::session_cookie).has_value());

    auto wrong = login_with_captcha(jean_nir, jean_password, "AAAAAA");
    EXPECT_EQ(wrong.status, 400);
    EXPECT_TRUE(has(wrong, password_login::captcha_message(false)));
    EXPECT_FALSE(set_cookie(wrong, login::session_cookie).has_value());
    // A fresh challenge each time, and none of these refusals counted as a failure.
    EXPECT_NE(wrong.body.find(captcha_.last_id() + ".png"), std::string::npos);
    auto counted = login_with_captcha(jean_nir, wrong_password);
    EXPECT_TRUE(has(counted, wrong_credentials_message(1))) << counted.body;

    auto right = login_with_captcha(jean_nir, jean_password);
    EXPECT_EQ(right.status, 303) << right.body;
    EXPECT_TRUE(set_cookie(right, login::session_cookie).has_value());
}

TEST_F(SecurityTest, UnknownIdentifierIsAskedTheCaptchaToo) {
    for (int i = 0; i < 3; ++i) login(unknown_nir, wrong_password);
    auto missing = login(unknown_nir, wrong_password);
    EXPECT_EQ(missing.status, 400);
    EXPECT_TRUE(has(missing, password_login::captcha_message(true)));
    auto answered = login_with_captcha(unknown_nir, wrong_password);
    EXPECT_TRUE(has(answered, wrong_credentials_message(1)));
}

TEST_F(SecurityTest, CaptchaOfAnotherFormIsRefused) {
    add_jean();
    for (int i = 0; i < 3; ++i) login(jean_nir, wrong_password);
    browser_.cookies[std::string(CsrfGuard::cookie_name)] = std::string(43, 'z');  // another browser
    auto other = login_with_captcha(jean_nir, jean_password);
    EXPECT_EQ(other.status, 400);
}

TEST_F(SecurityTest, NewImageButtonShowsAnotherChallengeWithoutAnAttempt) {
    add_jean();
    for (int i = 0; i < 3; ++i) login(jean_nir, wrong_password);
    const auto before = captcha_.last_id();
    auto again = post("/connexion", {{"identifiant", jean_nir}, {"captcha_id", before}, {"nouvelle_image", "1"}});
    EXPECT_EQ(again.status, 200);
    EXPECT_NE(captcha_.last_id(), before);
    EXPECT_NE(again.body.find(captcha_.last_id() + ".png"), std::string::npos);
    EXPECT_TRUE(has(login_with_captcha(jean_nir, wrong_password), wrong_credentials_message(1)));
}

TEST_F(SecurityTest, FreezeNoticeIsQueuedToEveryKnownContactWithTheFreeze) {
    add_jean();
    for (int i = 0; i < 3; ++i) login(jean_nir, wrong_password);
    login_with_captcha(jean_nir, wrong_password);
    EXPECT_TRUE(take_queued().empty()) << "no notice before the freeze";
    auto fifth = login_with_captcha(jean_nir, wrong_password);
    EXPECT_EQ(fifth.status, 429);
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 2u);
    std::map<std::string, std::string> to;
    for (const auto& m : queued) {
        EXPECT_EQ(m.template_name, "notification_freeze");
        to[m.channel] = m.recipient;
    }
    EXPECT_EQ(to["email"], "jean.dupont@example.test");
    EXPECT_EQ(to["sms"], "0612345678");
    // Attempts during the freeze send nothing more.
    login_with_captcha(jean_nir, jean_password);
    EXPECT_TRUE(take_queued().empty());
    // The frozen page already carries the captcha for the attempt after the freeze.
    EXPECT_TRUE(has(fifth, "Vérification de sécurité"));
}

TEST_F(SecurityTest, UnknownIdentifierFreezeSendsNothing) {
    for (int i = 0; i < 3; ++i) login(unknown_nir, wrong_password);
    login_with_captcha(unknown_nir, wrong_password);
    EXPECT_EQ(login_with_captcha(unknown_nir, wrong_password).status, 429);
    EXPECT_TRUE(take_queued().empty());
}

TEST_F(SecurityTest, OneAddressCannotWalkThroughManyNirs) {
    config_.lockout.ip_max_attempts = 3;
    config_.lockout.ip_window_minutes = 10;
    for (const char* nir : {"2850775123456", "1750775123456", "2900775123456"})
        EXPECT_EQ(login(nir, wrong_password).status, 400);
    auto limited = login("1800775123456", wrong_password);
    EXPECT_EQ(limited.status, 429);
    EXPECT_TRUE(has(limited, "Trop de tentatives depuis votre connexion. Réessayez dans 10 minutes.")) << limited.body;
    EXPECT_EQ(limited.headers.get("Retry-After").value_or(""), "600");
    clock_.advance(std::chrono::minutes{10});
    EXPECT_EQ(login("1800775123456", wrong_password).status, 400);
}

TEST(IpRateLimitMessage, SaysTheMinutesLeft) {
    EXPECT_EQ(ip_rate_limit_message(std::chrono::seconds{61}), "Trop de tentatives depuis votre connexion. Réessayez dans 2 minutes.");
    EXPECT_EQ(ip_rate_limit_message(std::chrono::seconds{5}), "Trop de tentatives depuis votre connexion. Réessayez dans 1 minute.");
}

constexpr const char* minimal_config = R"(
[server]
issuer = "http://localhost:8080"
[store]
url = "sqlite:x.db"
)";

TEST(SecurityConfig, DefaultsAreTheDocumentsValues) {
    auto config = config::load_text(minimal_config);
    auto lockout = lockout_config(config);
    EXPECT_EQ(lockout.captcha_after_failures, 3);
    EXPECT_EQ(lockout.freeze_after_failures, 5);
    ASSERT_EQ(lockout.freeze_durations.size(), 4u);
    EXPECT_EQ(lockout.freeze_durations[3], std::chrono::hours{24});
    auto codes = verification_code_config(config);
    EXPECT_EQ(codes.sms_validity, std::chrono::minutes{10});
    EXPECT_EQ(codes.email_validity, std::chrono::minutes{15});
    EXPECT_EQ(config.cgu.version, "2024-03");
}

TEST(SecurityConfig, SectionsAreReadAndChecked) {
    auto config = config::load_text(std::string(minimal_config) + R"(
[lockout]
captcha_after_failures = 2
freeze_after_failures = 4
freeze_minutes = [5, 15]
ip_max_attempts = 50
[captcha]
validity_seconds = 120
[verification_codes]
sms_validity_seconds = 480
max_tries = 3
[cgu]
version = "2025-01"
[password_renewal]
enforced_from = "2024-03-08"
changed_before = "2024-02-15"
incitation_from = "2024-02-22"
incitation_until = "2024-03-07"
)");
    EXPECT_EQ(lockout_config(config).freeze_durations.back(), std::chrono::minutes{15});
    EXPECT_EQ(config.lockout.ip_max_attempts, 50u);
    EXPECT_EQ(captcha_config(config).validity, std::chrono::seconds{120});
    EXPECT_EQ(verification_code_config(config).max_tries, 3);
    EXPECT_EQ(config.cgu.version, "2025-01");
    EXPECT_THROW(config::load_text(std::string(minimal_config) + "[lockout]\ncaptcha_after_failures = 5\n"),
                 config::ConfigError);
    EXPECT_THROW(config::load_text(std::string(minimal_config) + "[password_renewal]\nenforced_from = \"08/03/2024\"\n"),
                 config::ConfigError);
    EXPECT_THROW(config::load_text(std::string(minimal_config) + "[cgu]\nversion = \"../etc\"\n"), config::ConfigError);
    EXPECT_THROW(config::load_text(std::string(minimal_config) + "[captcha]\nsecret = \"x\"\n"), config::ConfigError);
}

}  // namespace
}  // namespace caf::account::test

// --- across threads and out to the outbox ---------------------------------------------------------

namespace caf::account::test {

TEST_F(SecurityTest, ConcurrentWrongAttemptsOnOneIdentifierAreCountedExactly) {
    add_jean();
    password_login::LoginService service(*db_, protector_, hasher_, lockout_);
    LoginForm form;
    form.identifier = jean_nir;
    form.password = wrong_password;
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            if (std::holds_alternative<password_login::WrongCredentials>(service.attempt(form, clock_.now()))) ++wrong;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(wrong.load(), 4);
    // Four failures counted, not fewer: the next one is the fifth and freezes the account.
    auto fifth = service.attempt(form, clock_.now());
    ASSERT_TRUE(std::holds_alternative<password_login::Frozen>(fifth));
    EXPECT_TRUE(std::get<password_login::Frozen>(fifth).newly_frozen);
}

// The ZITADEL race (GHSA-7h8m-vrxx-vr4m): attempts sent together must not all be judged on the
// state from before any of them was counted. Each one is reserved under the row lock before its
// password is hashed, so once three are in flight the others need the captcha. The default
// Argon2id work (unknown identifier: the dummy verification, the same path as an account) keeps
// the three in flight long enough for the others to arrive.
TEST_F(SecurityTest, SimultaneousAttemptsAfterThreeInFlightAllNeedTheCaptchaAndAreCounted) {
    FakeRandom random;
    PasswordHasher slow_hasher(Argon2Params{}, random);
    password_login::LoginService service(*db_, protector_, slow_hasher, lockout_, &captcha_);
    LoginForm form;
    form.identifier = unknown_nir;
    form.password = wrong_password;
    std::latch start(8);
    std::atomic<int> checked{0};
    std::atomic<int> captcha_asked{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            auto outcome = service.attempt(form, clock_.now());
            if (std::holds_alternative<password_login::WrongCredentials>(outcome)) ++checked;
            if (auto* refused = std::get_if<password_login::CaptchaRefused>(&outcome); refused && refused->missing)
                ++captcha_asked;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(checked.load(), 3);
    EXPECT_EQ(captcha_asked.load(), 5);
    EXPECT_EQ(captcha_.checks, 0);
    // The three checked were counted, the five refused were not: with the captcha answered, the
    // next wrong password is the 4th failure (one attempt left), then the 5th freezes.
    EXPECT_EQ(login(unknown_nir, wrong_password).status, 400);  // shows a challenge, counts nothing
    auto fourth = login_with_captcha(unknown_nir, wrong_password);
    EXPECT_TRUE(has(fourth, wrong_credentials_message(1))) << fourth.body;
    EXPECT_EQ(login_with_captcha(unknown_nir, wrong_password).status, 429);
}

TEST_F(SecurityTest, FreezeNoticeReachesTheOutbox) {
    add_jean();
    for (int i = 0; i < 3; ++i) login(jean_nir, wrong_password);
    login_with_captcha(jean_nir, wrong_password);
    ASSERT_EQ(login_with_captcha(jean_nir, wrong_password).status, 429);

    auto outbox = std::filesystem::temp_directory_path() / ("caf-outbox-" + std::to_string(::getpid()) + ".jsonl");
    std::filesystem::remove(outbox);
    notify::OutboxTransport transport(outbox);
    storage::Notifications queue(*db_);
    storage::AuditLog audit(*db_);
    notify::NotificationTemplates templates(std::filesystem::path(CAF_SOURCE_DIR) / "web" / "templates");
    notify::NotificationDispatcher dispatcher(*db_, queue, audit, protector_, templates,
                                      notify::ChannelTransports{&transport, &transport, &transport});
    dispatcher.run_once(clock_.now());

    std::ifstream in(outbox);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    std::filesystem::remove(outbox);
    ASSERT_EQ(lines.size(), 2u);
    for (const auto& line : lines) {
        EXPECT_EQ(line["template"], "notification_freeze");
        EXPECT_NE(line["text"].get<std::string>().find("10 minutes"), std::string::npos) << line.dump();
    }
}

}  // namespace caf::account::test
