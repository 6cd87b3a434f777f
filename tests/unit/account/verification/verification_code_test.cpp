// Verification codes of SPEC.md §4 and §6: 6 digits, 10 minutes by SMS and 15 by mail, single
// use, bounded tries, resend rate-limited, and the French message of each outcome.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "account/verification/code_delivery.hpp"
#include "account/verification/verification_code_service.hpp"
#include "fake_random.hpp"
#include "storage/migrations.hpp"
#include "storage/notifications.hpp"

namespace caf::account::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* creation = "creation";
constexpr const char* draft = "draft:0123abcd";

class VerificationCodeTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("caf-codes-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
        remove_db();
        db_ = storage::open_database("sqlite:" + path_.string(), 2);
        storage::migrate(*db_);
        codes_ = std::make_unique<VerificationCodeService>(*db_, std::string(32, 's'), random_);
    }
    void TearDown() override {
        codes_.reset();
        db_.reset();
        remove_db();
    }
    void remove_db() {
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
    }

    SentCode send(CodeChannel channel = CodeChannel::sms, const char* subject = draft) {
        auto sent = codes_->send_code(creation, subject, channel, clock_.now());
        EXPECT_TRUE(sent);
        return *sent;
    }
    CodeVerification verify(const SentCode& sent, std::string_view typed, const char* subject = draft) {
        return codes_->verify(sent.id, creation, subject, typed, clock_.now());
    }
    static std::string wrong_code(const std::string& code) {
        std::string wrong = code;
        wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
        return wrong;
    }

    std::filesystem::path path_;
    std::unique_ptr<storage::Database> db_;
    FakeRandom random_{11};
    ManualClock clock_;
    std::unique_ptr<VerificationCodeService> codes_;
};

TEST_F(VerificationCodeTest, CodeIsSixDigits) {
    for (int i = 0; i < 20; ++i) {
        auto sent = send(CodeChannel::sms, ("draft:" + std::to_string(i)).c_str());
        ASSERT_EQ(sent.code.size(), 6u);
        for (char ch : sent.code) EXPECT_TRUE(ch >= '0' && ch <= '9') << sent.code;
    }
}

TEST_F(VerificationCodeTest, RightCodeIsAccepted) {
    auto sent = send();
    auto result = verify(sent, sent.code);
    EXPECT_EQ(result.outcome, CodeCheck::ok);
    EXPECT_EQ(message(result), "");
}

TEST_F(VerificationCodeTest, SpacesInTheTypedCodeAreIgnored) {
    auto sent = send();
    EXPECT_EQ(verify(sent, " " + sent.code.substr(0, 3) + " " + sent.code.substr(3) + " ").outcome, CodeCheck::ok);
}

TEST_F(VerificationCodeTest, SmsCodeIsValidTenMinutes) {
    auto sent = send(CodeChannel::sms);
    EXPECT_EQ(sent.expires_at, clock_.now() + 10min);
    clock_.advance(10min - 1s);
    EXPECT_EQ(verify(sent, sent.code).outcome, CodeCheck::ok);
}

TEST_F(VerificationCodeTest, SmsCodeExpiresAtTenMinutes) {
    auto sent = send(CodeChannel::sms);
    clock_.advance(10min);
    auto result = verify(sent, sent.code);
    EXPECT_EQ(result.outcome, CodeCheck::expired);
    EXPECT_EQ(message(result), "Ce code a expiré. Demandez l'envoi d'un nouveau code.");
}

TEST_F(VerificationCodeTest, MailCodeIsValidFifteenMinutes) {
    auto in_time = send(CodeChannel::email, "draft:a");
    auto too_late = send(CodeChannel::email, "draft:b");
    clock_.advance(15min - 1s);
    EXPECT_EQ(verify(in_time, in_time.code, "draft:a").outcome, CodeCheck::ok);
    clock_.advance(1s);
    EXPECT_EQ(verify(too_late, too_late.code, "draft:b").outcome, CodeCheck::expired);
}

TEST_F(VerificationCodeTest, LetterCodeLivesDays) {
    auto sent = send(CodeChannel::letter);
    EXPECT_EQ(sent.expires_at, clock_.now() + codes_->config().letter_validity);
    clock_.advance(std::chrono::days{3});
    EXPECT_EQ(verify(sent, sent.code).outcome, CodeCheck::ok);
}

TEST_F(VerificationCodeTest, WrongCodeCountsDownTriesThenExhausts) {
    auto sent = send();
    const std::string wrong = wrong_code(sent.code);
    for (int left = 4; left >= 1; --left) {
        auto result = verify(sent, wrong);
        EXPECT_EQ(result.outcome, CodeCheck::wrong);
        EXPECT_EQ(result.tries_left, left);
    }
    EXPECT_EQ(message(CodeVerification{CodeCheck::wrong, 4}), "Le code saisi est incorrect. Il vous reste 4 essais.");
    EXPECT_EQ(message(CodeVerification{CodeCheck::wrong, 1}), "Le code saisi est incorrect. Il vous reste 1 essai.");
    auto fifth = verify(sent, wrong);
    EXPECT_EQ(fifth.outcome, CodeCheck::exhausted);
    EXPECT_EQ(message(fifth),
              "Vous avez atteint le nombre maximal d'essais. Demandez l'envoi d'un nouveau code.");
    // Even the right code is refused once the tries are spent.
    EXPECT_EQ(verify(sent, sent.code).outcome, CodeCheck::exhausted);
}

TEST_F(VerificationCodeTest, UsedCodeCannotBeReused) {
    auto sent = send();
    ASSERT_EQ(verify(sent, sent.code).outcome, CodeCheck::ok);
    EXPECT_EQ(verify(sent, sent.code).outcome, CodeCheck::already_used);
}

TEST_F(VerificationCodeTest, CodeOfAnotherRequestIsUnknown) {
    auto sent = send();
    EXPECT_EQ(codes_->verify(sent.id, "recovery", draft, sent.code, clock_.now()).outcome, CodeCheck::unknown);
    EXPECT_EQ(verify(sent, sent.code, "draft:someone-else").outcome, CodeCheck::unknown);
    EXPECT_EQ(codes_->verify(sent.id + 1000, creation, draft, sent.code, clock_.now()).outcome, CodeCheck::unknown);
    // None of those spent a try of the real request.
    EXPECT_EQ(verify(sent, sent.code).outcome, CodeCheck::ok);
}

TEST_F(VerificationCodeTest, ResendTooSoonIsRefused) {
    auto sent = send();
    clock_.advance(59s);
    EXPECT_FALSE(codes_->can_resend(sent.id, creation, draft, clock_.now()));
    auto refused = codes_->resend(sent.id, creation, draft, clock_.now());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().reason, SendRefusal::too_soon);
    EXPECT_EQ(refused.error().retry_after, 1s);
    EXPECT_EQ(resend_message(refused), "Veuillez patienter avant de demander un nouveau code.");
    // The first code still works.
    EXPECT_EQ(verify(sent, sent.code).outcome, CodeCheck::ok);
}

TEST_F(VerificationCodeTest, ResendAfterTheIntervalGivesANewCodeAndTheOldOneStops) {
    auto first = send();
    clock_.advance(60s);
    EXPECT_TRUE(codes_->can_resend(first.id, creation, draft, clock_.now()));
    auto again = codes_->resend(first.id, creation, draft, clock_.now());
    ASSERT_TRUE(again);
    EXPECT_EQ(resend_message(again), "Un nouveau code vous a été envoyé.");
    EXPECT_EQ(again->expires_at, clock_.now() + 10min);
    if (again->code != first.code) {
        EXPECT_EQ(verify(first, first.code).outcome, CodeCheck::wrong);
    }
    EXPECT_EQ(verify(*again, again->code).outcome, CodeCheck::ok);
}

TEST_F(VerificationCodeTest, ResendGivesFreshTriesToAnExhaustedCode) {
    auto sent = send();
    for (int i = 0; i < 5; ++i) verify(sent, wrong_code(sent.code));
    clock_.advance(60s);
    auto again = codes_->resend(sent.id, creation, draft, clock_.now());
    ASSERT_TRUE(again);
    EXPECT_EQ(verify(*again, again->code).outcome, CodeCheck::ok);
}

TEST_F(VerificationCodeTest, NewCodeReplacesTheEarlierOne) {
    auto first = send(CodeChannel::sms);
    auto second = send(CodeChannel::email);
    EXPECT_EQ(verify(first, first.code).outcome, CodeCheck::expired);
    EXPECT_FALSE(codes_->can_resend(first.id, creation, draft, clock_.now() + 1h));
    EXPECT_EQ(verify(second, second.code).outcome, CodeCheck::ok);
}

TEST_F(VerificationCodeTest, UsedCodeCannotBeResent) {
    auto sent = send();
    ASSERT_EQ(verify(sent, sent.code).outcome, CodeCheck::ok);
    clock_.advance(60s);
    auto refused = codes_->resend(sent.id, creation, draft, clock_.now());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().reason, SendRefusal::not_resendable);
}

TEST_F(VerificationCodeTest, AtMostFiveSendsPerHour) {
    auto sent = send();  // 1
    for (int i = 2; i <= 5; ++i) {
        clock_.advance(60s);
        ASSERT_TRUE(codes_->resend(sent.id, creation, draft, clock_.now())) << "send " << i;
    }
    clock_.advance(60s);
    auto refused = codes_->resend(sent.id, creation, draft, clock_.now());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().reason, SendRefusal::too_many_sends);
    EXPECT_EQ(refused.error().retry_after, 1h - 5min);
    EXPECT_EQ(resend_message(refused), "Veuillez patienter avant de demander un nouveau code.");
    // A brand-new code for the same request counts against the same hour.
    EXPECT_FALSE(codes_->send_code(creation, draft, CodeChannel::email, clock_.now()));
    // Another request is not affected.
    EXPECT_TRUE(codes_->send_code(creation, "draft:other", CodeChannel::sms, clock_.now()));

    clock_.advance(1h - 5min);
    EXPECT_TRUE(codes_->resend(sent.id, creation, draft, clock_.now()));
}

TEST_F(VerificationCodeTest, NonsensicalConfigIsRefusedAtStartup) {
    VerificationCodeConfig config;
    config.max_tries = 0;
    EXPECT_THROW(VerificationCodeService(*db_, std::string(32, 's'), random_, config), std::invalid_argument);
    EXPECT_THROW(VerificationCodeService(*db_, "short", random_), std::invalid_argument);
}

// deliver_code: the code, its message and the caller's record are written together or not at all.
class CodeDeliveryTest : public VerificationCodeTest {
protected:
    std::vector<storage::Notification> queued() {
        return storage::Notifications(*db_).claim_due(to_unix_seconds(clock_.now()) + 1, 100, 30);
    }
    CodeDelivery to_phone(std::optional<std::int64_t> resend_of = std::nullopt) {
        return {creation, draft, CodeChannel::sms, resend_of, std::string("+33600000001"), std::nullopt};
    }
    PersonalDataProtector protector_{std::string(32, 'd'), std::string(32, 'l')};
};

TEST_F(CodeDeliveryTest, ASentCodeQueuesItsMessageWithTheCallersRecord) {
    std::optional<std::int64_t> recorded;
    auto sent = deliver_code(*db_, *codes_, protector_, to_phone(), clock_.now(),
                             [&](storage::Connection&, const SentCode& code) { recorded = code.id; });
    ASSERT_TRUE(sent);
    EXPECT_EQ(recorded, sent->id);
    auto messages = queued();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].channel, "sms");
    EXPECT_EQ(protector_.open(PersonalDataKind::phone, messages[0].recipient_sealed), "+33600000001");
    EXPECT_EQ(verify(*sent, sent->code).outcome, CodeCheck::ok);
}

TEST_F(CodeDeliveryTest, ARecordThatFailsLeavesNeitherCodeNorMessage) {
    std::optional<std::int64_t> id;
    EXPECT_THROW(deliver_code(*db_, *codes_, protector_, to_phone(), clock_.now(),
                              [&](storage::Connection&, const SentCode& code) {
                                  id = code.id;
                                  throw std::runtime_error("draft not saved");
                              }),
                 std::runtime_error);
    ASSERT_TRUE(id);
    EXPECT_TRUE(queued().empty());
    auto refusal = codes_->resend_refusal(*id, creation, draft, clock_.now());
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->reason, SendRefusal::not_resendable);
}

TEST_F(CodeDeliveryTest, ARefusedResendWritesNothingAndRecordsNothing) {
    auto first = deliver_code(*db_, *codes_, protector_, to_phone(), clock_.now());
    ASSERT_TRUE(first);
    clock_.advance(10s);
    bool recorded = false;
    auto again = deliver_code(*db_, *codes_, protector_, to_phone(first->id), clock_.now(),
                              [&](storage::Connection&, const SentCode&) { recorded = true; });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().reason, SendRefusal::too_soon);
    EXPECT_FALSE(recorded);
    EXPECT_EQ(queued().size(), 1u);
    EXPECT_EQ(verify(*first, first->code).outcome, CodeCheck::ok);
}

TEST_F(CodeDeliveryTest, ADecoyCodeForNobodyQueuesNoMessage) {
    auto delivery = to_phone();
    delivery.recipient.reset();
    EXPECT_TRUE(deliver_code(*db_, *codes_, protector_, delivery, clock_.now()));
    EXPECT_TRUE(queued().empty());
}

}  // namespace
}  // namespace caf::account::test
