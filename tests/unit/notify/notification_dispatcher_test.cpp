// The notification queue end to end without a network (SPEC.md §10): queued in the request's
// transaction, sent once, retried with backoff, given up and audited, never sent twice.
#include <algorithm>
#include <set>
#include <thread>

#include "notify/letter_print_queue.hpp"
#include "notify/notification_worker.hpp"
#include "notification_fixture.hpp"

namespace caf::notify::test {
namespace {

using namespace std::chrono_literals;

Notification code_by_sms(std::string code = "123456") {
    return verification_code_message(NotificationChannel::sms, "0612345678", std::move(code), 10min, 42);
}

TEST_F(NotificationTest, AMessageQueuedInATransactionThatRollsBackLeavesNothing) {
    EXPECT_THROW(db_->transaction([&](storage::Connection& c) {
        notifier_->enqueue(c, code_by_sms(), clock_.now());
        throw std::runtime_error("the request failed after queueing");
    }),
                 std::runtime_error);
    FakeTransport sms;
    auto d = dispatcher({nullptr, &sms, nullptr});
    EXPECT_EQ(d->run_once(clock_.now()).claimed, 0);
    EXPECT_TRUE(sms.sent.empty());
}

TEST_F(NotificationTest, RecipientAndCodeAreSealedInTheQueue) {
    const auto id = enqueue(code_by_sms("654321"));
    const auto stored = row(id);
    EXPECT_EQ(stored.channel, "sms");
    EXPECT_EQ(stored.template_name, "notification_code");
    EXPECT_EQ(stored.recipient_sealed.find("0612345678"), std::string::npos);
    EXPECT_EQ(stored.payload_sealed.find("654321"), std::string::npos);
    EXPECT_EQ(protector_.open(PersonalDataKind::phone, stored.recipient_sealed), "0612345678");
}

TEST_F(NotificationTest, AQueuedMessageIsSentOnceWithTheFrenchText) {
    const auto id = enqueue(code_by_sms());
    FakeTransport sms;
    auto d = dispatcher({nullptr, &sms, nullptr});
    const auto report = d->run_once(clock_.now());
    EXPECT_EQ(report.sent, 1);
    ASSERT_EQ(sms.sent.size(), 1u);
    EXPECT_EQ(sms.sent[0].recipient, "0612345678");
    EXPECT_EQ(sms.sent[0].code, "123456");
    EXPECT_EQ(sms.sent[0].text,
              "Votre code de vérification Mon Compte : 123456. Il est valable 10 minutes. "
              "A noter : ce code de vérification est à usage unique.");
    EXPECT_EQ(row(id).status, "sent");
    clock_.advance(1h);
    EXPECT_EQ(d->run_once(clock_.now()).claimed, 0);
    EXPECT_EQ(sms.sent.size(), 1u);
}

TEST_F(NotificationTest, AFailureIsRetriedAfterTheBackoffAndNothingIsLost) {
    const auto id = enqueue(code_by_sms());
    FakeTransport sms;
    sms.failures = 2;
    DispatcherSettings settings;
    settings.retry = {.max_attempts = 5, .base_delay = 30, .max_delay = 3600};
    auto d = dispatcher({nullptr, &sms, nullptr}, settings);

    EXPECT_EQ(d->run_once(clock_.now()).retried, 1);
    EXPECT_EQ(row(id).status, "pending");
    EXPECT_EQ(row(id).last_error, "fake: unavailable");
    clock_.advance(29s);
    EXPECT_EQ(d->run_once(clock_.now()).claimed, 0) << "still in its first backoff (30 s)";
    clock_.advance(1s);
    EXPECT_EQ(d->run_once(clock_.now()).retried, 1);
    clock_.advance(59s);
    EXPECT_EQ(d->run_once(clock_.now()).claimed, 0) << "the second backoff is doubled (60 s)";
    clock_.advance(1s);
    EXPECT_EQ(d->run_once(clock_.now()).sent, 1);
    EXPECT_EQ(sms.sent.size(), 1u);
    EXPECT_EQ(row(id).status, "sent");
    EXPECT_EQ(row(id).attempts, 3);
}

TEST_F(NotificationTest, AMessageIsGivenUpAfterMaxAttemptsAndAuditedWithoutPersonalData) {
    const auto id = enqueue(code_by_sms("987654"));
    FakeTransport sms;
    sms.failures = 100;
    DispatcherSettings settings;
    settings.retry = {.max_attempts = 3, .base_delay = 10, .max_delay = 3600};
    auto d = dispatcher({nullptr, &sms, nullptr}, settings);
    int given_up = 0;
    for (int i = 0; i < 10; ++i) {
        given_up += d->run_once(clock_.now()).given_up;
        clock_.advance(1h);
    }
    EXPECT_EQ(given_up, 1);
    EXPECT_EQ(row(id).status, "failed");
    EXPECT_EQ(row(id).attempts, 3);
    const auto entries = audit_->list({.action = "notification.failed"});
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].account_id, 42);
    const auto details = entries[0].details.dump();
    EXPECT_EQ(details.find("0612345678"), std::string::npos);
    EXPECT_EQ(details.find("987654"), std::string::npos);
    EXPECT_NE(details.find("notification_code"), std::string::npos);
}

TEST_F(NotificationTest, ARefusedAddressIsGivenUpAtOnce) {
    const auto id = enqueue(code_by_sms());
    FakeTransport sms;
    sms.failures = 1;
    sms.permanent = true;
    auto d = dispatcher({nullptr, &sms, nullptr});
    EXPECT_EQ(d->run_once(clock_.now()).given_up, 1);
    EXPECT_EQ(row(id).status, "failed");
}

TEST_F(NotificationTest, TwoDispatchersNeverSendTheSameMessageTwice) {
    constexpr int total = 40;
    for (int i = 0; i < total; ++i) enqueue(code_by_sms(std::to_string(100000 + i)));
    FakeTransport sms;
    DispatcherSettings settings;
    settings.batch_size = 3;
    auto first = dispatcher({nullptr, &sms, nullptr}, settings);
    auto second = dispatcher({nullptr, &sms, nullptr}, settings);
    auto drain = [&](NotificationDispatcher& d) {
        for (int i = 0; i < 200; ++i)
            if (d.run_once(clock_.now()).claimed == 0) return;
    };
    std::thread a([&] { drain(*first); });
    std::thread b([&] { drain(*second); });
    a.join();
    b.join();
    std::multiset<std::int64_t> ids;
    for (const auto& m : sms.sent) ids.insert(m.id);
    EXPECT_EQ(ids.size(), std::size_t(total));
    EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), std::size_t(total));
}

TEST_F(NotificationTest, ChannelsWithoutATransportWaitInTheQueue) {
    const auto mail = enqueue(freeze_notice(NotificationChannel::email, "marie@example.fr", 10min));
    const auto letter = enqueue(verification_code_message(NotificationChannel::letter, "Marie DUPONT\n1 rue de la Paix\n75002 PARIS",
                                                          "112233", 15 * 24h));
    FakeTransport sms;
    auto d = dispatcher({nullptr, &sms, nullptr});
    EXPECT_EQ(d->run_once(clock_.now()).claimed, 0);
    EXPECT_EQ(row(mail).status, "pending");
    EXPECT_EQ(row(letter).status, "pending");
}

TEST_F(NotificationTest, LettersWaitForThePrintServiceWhichClaimsAndConfirmsThem) {
    const auto letter = enqueue(verification_code_message(
        NotificationChannel::letter, "Marie DUPONT\n1 rue de la Paix\n75002 PARIS", "112233", 15 * 24h, 7));
    FakeTransport mail, sms;
    auto d = dispatcher({&mail, &sms, nullptr});
    EXPECT_EQ(d->run_once(clock_.now()).claimed, 0) << "the dispatcher leaves letters alone";

    LetterPrintQueue print(*db_, *queue_, *audit_, protector_, templates());
    auto jobs = print.claim_letters(clock_.now(), 10);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(jobs[0].postal_address, "Marie DUPONT\n1 rue de la Paix\n75002 PARIS");
    EXPECT_EQ(jobs[0].code, "112233");
    EXPECT_NE(jobs[0].text.find("Il est valable 15 jours."), std::string::npos);
    EXPECT_TRUE(print.claim_letters(clock_.now(), 10).empty()) << "a claimed letter is not handed out twice";
    EXPECT_TRUE(print.mark_printed(jobs[0].id, jobs[0].attempt, clock_.now()));
    EXPECT_EQ(row(letter).status, "sent");
}

TEST_F(NotificationTest, ALetterNotConfirmedBeforeItsLeaseIsOfferedAgain) {
    enqueue(password_changed_message(NotificationChannel::letter, "Marie DUPONT\n75002 PARIS"));
    LetterPrintQueue print(*db_, *queue_, *audit_, protector_, templates());
    auto first = print.claim_letters(clock_.now(), 10, 1h);
    ASSERT_EQ(first.size(), 1u);
    clock_.advance(1h);
    auto again = print.claim_letters(clock_.now(), 10, 1h);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_FALSE(print.mark_printed(first[0].id, first[0].attempt, clock_.now())) << "the old claim is fenced off";
    EXPECT_TRUE(print.mark_printed(again[0].id, again[0].attempt, clock_.now()));
}

TEST_F(NotificationTest, DataSealedUnderAnotherKeyIsGivenUpNotSent) {
    PersonalDataProtector other{std::string(32, 'x'), std::string(32, 'y')};
    Notifier foreign(*queue_, other);
    const auto id = db_->transaction(
        [&](storage::Connection& c) { return foreign.enqueue(c, code_by_sms(), clock_.now()); });
    FakeTransport sms;
    auto d = dispatcher({nullptr, &sms, nullptr});
    EXPECT_EQ(d->run_once(clock_.now()).given_up, 1);
    EXPECT_TRUE(sms.sent.empty());
    EXPECT_EQ(row(id).status, "failed");
}

TEST_F(NotificationTest, TheWorkerSendsInTheBackgroundAndStops) {
    enqueue(code_by_sms());
    FakeTransport sms;
    auto d = dispatcher({nullptr, &sms, nullptr});
    NotificationWorker worker(*d, clock_, 10ms);
    worker.start();
    for (int i = 0; i < 500; ++i) {
        {
            std::lock_guard lock(sms.mutex_);
            if (!sms.sent.empty()) break;
        }
        std::this_thread::sleep_for(10ms);
    }
    worker.stop();
    std::lock_guard lock(sms.mutex_);
    EXPECT_EQ(sms.sent.size(), 1u);
}

}  // namespace
}  // namespace caf::notify::test
