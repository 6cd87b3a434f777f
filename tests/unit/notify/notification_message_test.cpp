// The French messages and their wire forms: templates, durations, the RFC 5322 mail, the outbox
// line, phone numbers for the SMS gateway.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "notify/mail_message.hpp"
#include "notify/notification_templates.hpp"
#include "notify/outbox_transport.hpp"
#include "notify/sms_gateway_transport.hpp"

namespace caf::notify::test {
namespace {

using namespace std::chrono_literals;

const NotificationTemplates& templates() {
    static const NotificationTemplates loaded(std::filesystem::path(CAF_SOURCE_DIR) / "web/templates");
    return loaded;
}

RenderedMessage render(const Notification& n) { return templates().render(n.template_name, n.data); }

TEST(NotificationTemplates, FreezeNoticeSaysHowLongInFrench) {
    const auto m = render(freeze_notice(NotificationChannel::sms, "0612345678", 10min));
    EXPECT_EQ(m.text,
              "Votre compte Mon Compte a été bloqué pendant 10 minutes suite à plusieurs tentatives de connexion "
              "infructueuses. Si vous n'êtes pas à l'origine de ces tentatives, modifiez votre mot de passe.");
    EXPECT_FALSE(m.subject.empty());
    EXPECT_NE(render(freeze_notice(NotificationChannel::sms, "0612345678", 1h)).text.find("pendant 1 heure suite"),
              std::string::npos);
    EXPECT_NE(render(freeze_notice(NotificationChannel::sms, "0612345678", 24h)).text.find("pendant 24 heures suite"),
              std::string::npos);
}

TEST(NotificationTemplates, CodeMessageGivesTheCodeItsValidityAndSingleUse) {
    EXPECT_EQ(render(verification_code_message(NotificationChannel::sms, "0612345678", "123456", 10min)).text,
              "Votre code de vérification Mon Compte : 123456. Il est valable 10 minutes. "
              "A noter : ce code de vérification est à usage unique.");
    EXPECT_NE(render(verification_code_message(NotificationChannel::email, "a@b.fr", "123456", 15min))
                  .text.find("Il est valable 15 minutes."),
              std::string::npos);
    const auto subject = render(verification_code_message(NotificationChannel::email, "a@b.fr", "1", 15min)).subject;
    EXPECT_EQ(subject, "Mon Compte : votre code de vérification");
}

TEST(NotificationTemplates, AccountCreatedNamesTheIdentifierToUse) {
    EXPECT_EQ(render(account_created_message(NotificationChannel::sms, "0612345678", std::nullopt)).text,
              "Vous venez de créer votre Espace Mon Compte. Pour y accéder, utilisez votre numéro de Sécurité "
              "sociale.");
    const auto provisional = render(account_created_message(NotificationChannel::sms, "0612345678", "P33392250")).text;
    EXPECT_NE(provisional.find("utilisez votre identifiant provisoire : P33392250."), std::string::npos);
    EXPECT_EQ(provisional.find("Sécurité sociale"), std::string::npos);
}

TEST(NotificationTemplates, PasswordChangedAndProvisionalIdentifierMessages) {
    EXPECT_NE(render(password_changed_message(NotificationChannel::email, "a@b.fr")).text.find("a été modifié"),
              std::string::npos);
    EXPECT_NE(render(provisional_id_message(NotificationChannel::email, "a@b.fr", "P33392250")).text.find("P33392250"),
              std::string::npos);
}

TEST(NotificationTemplates, TextIsNotHtmlEscaped) {
    auto n = freeze_notice(NotificationChannel::sms, "0612345678", 10min);
    EXPECT_EQ(render(n).text.find("&#39;"), std::string::npos);
    EXPECT_NE(render(n).text.find("n'êtes"), std::string::npos);
}

TEST(FrenchDuration, SaysMinutesHoursAndDays) {
    EXPECT_EQ(french_duration(10min), "10 minutes");
    EXPECT_EQ(french_duration(1min), "1 minute");
    EXPECT_EQ(french_duration(1s), "1 seconde");
    EXPECT_EQ(french_duration(5s), "5 secondes");
    EXPECT_EQ(french_duration(570s), "10 minutes") << "rounded up, never announced shorter than it lasts";
    EXPECT_EQ(french_duration(20min), "20 minutes");
    EXPECT_EQ(french_duration(1h), "1 heure");
    EXPECT_EQ(french_duration(24h), "24 heures");
    EXPECT_EQ(french_duration(15 * 24h), "15 jours");
}

TEST(MailMessage, SubjectIsEncodedAsUtf8EncodedWordsOfAtMost75Characters) {
    EXPECT_EQ(mail::encode_header_text("Hello"), "Hello");
    EXPECT_EQ(mail::encode_header_text("Mon Compte : votre code de vérification"),
              "=?UTF-8?B?TW9uIENvbXB0ZSA6IHZvdHJlIGNvZGUgZGUgdsOpcmlmaWNhdGlvbg==?=");
    const auto long_subject = mail::encode_header_text(std::string(30, 'e') + "éééééééééééééééééééééééééééééé");
    std::size_t start = 0;
    while (start < long_subject.size()) {
        auto end = long_subject.find("\r\n ", start);
        if (end == std::string::npos) end = long_subject.size();
        EXPECT_LE(end - start, 75u);
        start = end + 3;
    }
    EXPECT_NE(long_subject.find("\r\n "), std::string::npos);
}

TEST(MailMessage, BodyIsQuotedPrintableWithShortLines) {
    EXPECT_EQ(mail::quoted_printable("Il est valable 10 minutes."), "Il est valable 10 minutes.");
    EXPECT_EQ(mail::quoted_printable("vérification"), "v=C3=A9rification");
    EXPECT_EQ(mail::quoted_printable("a=b"), "a=3Db");
    EXPECT_EQ(mail::quoted_printable("line\n.dot"), "line\r\n=2Edot");
    EXPECT_EQ(mail::quoted_printable("end "), "end=20");
    const auto long_line = mail::quoted_printable(std::string(200, 'x'));
    for (std::size_t start = 0, end; start < long_line.size(); start = end + 2) {
        end = long_line.find("\r\n", start);
        if (end == std::string::npos) end = long_line.size();
        EXPECT_LE(end - start, 76u);
    }
}

TEST(MailMessage, HasTheHeadersOfAPlainTextUtf8Message) {
    mail::MailMessage m{"Mon Compte <no-reply@caf.fr>", "marie@example.fr", "Sujet é", "Corps",
                        "<1.abc@caf.fr>", from_unix_seconds(1'700'000'000)};
    const auto text = mail::render(m);
    EXPECT_NE(text.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos);
    EXPECT_NE(text.find("From: Mon Compte <no-reply@caf.fr>\r\n"), std::string::npos);
    EXPECT_NE(text.find("To: <marie@example.fr>\r\n"), std::string::npos);
    EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos);
    EXPECT_NE(text.find("Message-ID: <1.abc@caf.fr>\r\n"), std::string::npos);
    EXPECT_NE(text.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
    EXPECT_NE(text.find("Content-Transfer-Encoding: quoted-printable\r\n\r\nCorps"), std::string::npos);
}

TEST(MailMessage, AddressesWithLineBreaksOrSeveralMailboxesAreRefused) {
    EXPECT_EQ(mail::address_of("marie@example.fr"), "marie@example.fr");
    EXPECT_EQ(mail::address_of("Mon Compte <no-reply@caf.fr>"), "no-reply@caf.fr");
    EXPECT_FALSE(mail::address_of("marie@example.fr\r\nBcc: x@y.fr"));
    EXPECT_FALSE(mail::address_of("a@b.fr, c@d.fr"));
    EXPECT_FALSE(mail::address_of("nobody"));
}

TEST(SmsGateway, FrenchMobileNumbersGoOutInE164) {
    EXPECT_EQ(to_e164_french_mobile("0612345678"), "+33612345678");
    EXPECT_EQ(to_e164_french_mobile("07 12 34 56 78"), "+33712345678");
    EXPECT_EQ(to_e164_french_mobile("+33612345678"), "+33612345678");
    EXPECT_FALSE(to_e164_french_mobile("061234567"));
    EXPECT_FALSE(to_e164_french_mobile("06123456789\n"));
}

OutgoingMessage outgoing(std::int64_t id, std::optional<std::string> code) {
    OutgoingMessage m;
    m.id = id;
    m.channel = NotificationChannel::sms;
    m.recipient = "0612345678";
    m.template_name = NotificationTemplate::code;
    m.subject = "Mon Compte : votre code de vérification";
    m.text = "Votre code de vérification Mon Compte : 123456. \"Quoted\"\nline";
    m.code = std::move(code);
    m.date = from_unix_seconds(1'700'000'000);
    return m;
}

TEST(Outbox, EachMessageIsOneValidJsonLineWithTheCode) {
    const auto file = std::filesystem::temp_directory_path() / ("caf-outbox-" + std::to_string(::getpid()) + ".jsonl");
    std::filesystem::remove(file);
    OutboxTransport outbox(file);
    constexpr int per_thread = 50;
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
        writers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) EXPECT_TRUE(outbox.send(outgoing(t * 1000 + i, "123456")));
        });
    for (auto& w : writers) w.join();
    EXPECT_TRUE(outbox.send(outgoing(9999, std::nullopt)));

    std::ifstream in(file);
    std::string line;
    int lines = 0;
    nlohmann::json last;
    while (std::getline(in, line)) {
        last = nlohmann::json::parse(line);  // throws, failing the test, on an interleaved line
        ++lines;
        if (lines <= 4 * per_thread) {
            EXPECT_EQ(last["code"], "123456");
            EXPECT_EQ(last["channel"], "sms");
            EXPECT_EQ(last["recipient"], "0612345678");
            EXPECT_EQ(last["template"], "notification_code");
            EXPECT_EQ(last["time"], "2023-11-14T22:13:20Z");
            EXPECT_EQ(last["text"], "Votre code de vérification Mon Compte : 123456. \"Quoted\"\nline");
        }
    }
    EXPECT_EQ(lines, 4 * per_thread + 1);
    EXPECT_FALSE(last.contains("code")) << "no code field when the message has none";
    EXPECT_TRUE(last.contains("subject"));
    std::filesystem::remove(file);
}

TEST(Outbox, AMessageRetriedAfterACrashIsNotWrittenTwice) {
    const auto file = std::filesystem::temp_directory_path() / ("caf-outbox-key-" + std::to_string(::getpid()) + ".jsonl");
    std::filesystem::remove(file);
    auto message = outgoing(7, "123456");
    message.delivery_key = "7-00112233aabbccdd";
    // The line was written, then the process died before the queue recorded "sent".
    EXPECT_TRUE(OutboxTransport(file).send(message));
    // The restarted process claims the row again: a new transport, the same key.
    OutboxTransport restarted(file);
    EXPECT_TRUE(restarted.send(message)) << "already delivered counts as delivered";
    auto other = outgoing(8, "654321");
    other.delivery_key = "8-00112233aabbccdd";
    EXPECT_TRUE(restarted.send(other));
    EXPECT_TRUE(restarted.send(other));

    std::ifstream in(file);
    std::vector<std::string> keys;
    for (std::string line; std::getline(in, line);) keys.push_back(nlohmann::json::parse(line)["delivery_key"]);
    EXPECT_EQ(keys, (std::vector<std::string>{"7-00112233aabbccdd", "8-00112233aabbccdd"}));

    // A truncated outbox (a test starting afresh) forgets what it held.
    std::filesystem::resize_file(file, 0);
    EXPECT_TRUE(restarted.send(message));
    EXPECT_EQ(std::filesystem::file_size(file), outbox_line(message).size() + 1);
    std::filesystem::remove(file);
}

}  // namespace
}  // namespace caf::notify::test
