// External links, dossiers, the notification queue and creation drafts, on both backends.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class ExternalLinksTest : public StoreTest<B> {};
TYPED_TEST_SUITE(ExternalLinksTest, Backends, BackendNames);

TYPED_TEST(ExternalLinksTest, LinkIsFoundListedAndUnlinkedByItsOwner) {
    auto& links = this->store().external_links();
    const auto account = this->new_account();
    const auto other = this->new_account();
    const std::string sub = std::string(64, 'a') + "v1";
    links.link({"franceconnect", sub, account, t0});
    links.link({"ameli", "123", account, t0 + 1});
    auto found = links.find("franceconnect", sub);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->account_id, account);
    EXPECT_EQ(found->created_at, t0);
    EXPECT_FALSE(links.find("franceconnect", "other"));
    EXPECT_FALSE(links.find("FRANCECONNECT", sub));  // byte-for-byte on both backends
    auto list = links.list_of_account(account);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[1].provider, "ameli");
    try {
        links.link({"franceconnect", sub, other, t0});
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
    }
    EXPECT_FALSE(links.unlink(other, "franceconnect", sub));
    EXPECT_TRUE(links.unlink(account, "franceconnect", sub));
    EXPECT_FALSE(links.find("franceconnect", sub));
}

TYPED_TEST(ExternalLinksTest, LinkToAMissingAccountIsAConflict) {
    try {
        this->store().external_links().link({"franceconnect", "sub", 424242, t0});
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
    }
}

template <class B>
class DossiersTest : public StoreTest<B> {};
TYPED_TEST_SUITE(DossiersTest, Backends, BackendNames);

TYPED_TEST(DossiersTest, MembersAndDelegationAreRecorded) {
    auto& dossiers = this->store().dossiers();
    const auto allocataire = this->new_account();
    const auto spouse = this->new_account();
    const auto child = this->new_account();
    dossiers.create("1234567", t0);
    dossiers.add_member("1234567", allocataire, MemberRole::allocataire, t0 + 1);
    dossiers.add_member("1234567", spouse, MemberRole::conjoint, t0 + 2);
    dossiers.add_member("1234567", child, MemberRole::enfant, t0 + 3);
    auto members = dossiers.members("1234567");
    ASSERT_EQ(members.size(), 3u);
    EXPECT_EQ(members[0].account_id, allocataire);
    EXPECT_EQ(members[0].role, MemberRole::allocataire);
    EXPECT_EQ(members[1].role, MemberRole::conjoint);
    EXPECT_EQ(members[2].role, MemberRole::enfant);
    auto d = dossiers.find("1234567");
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->delegation_granted);
    EXPECT_FALSE(d->delegation_question_answered);
    EXPECT_TRUE(dossiers.set_delegation("1234567", true, allocataire, t0 + 10));
    d = dossiers.find("1234567");
    EXPECT_TRUE(d->delegation_granted);
    EXPECT_TRUE(d->delegation_question_answered);
    EXPECT_EQ(d->delegation_changed_at, t0 + 10);
    EXPECT_EQ(d->delegation_changed_by, allocataire);
    EXPECT_TRUE(dossiers.set_delegation("1234567", false, allocataire, t0 + 20));
    EXPECT_FALSE(dossiers.find("1234567")->delegation_granted);
    EXPECT_FALSE(dossiers.find("nope"));
}

TYPED_TEST(DossiersTest, APersonIsAllocataireOrSpouseInOneDossierAtMost) {
    auto& dossiers = this->store().dossiers();
    const auto person = this->new_account();
    const auto second = this->new_account();
    dossiers.create("A", t0);
    dossiers.create("B", t0);
    dossiers.add_member("A", person, MemberRole::allocataire, t0);
    auto expect_conflict = [](auto fn) {
        try {
            fn();
            ADD_FAILURE() << "accepted";
        } catch (const StoreError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::conflict);
        }
    };
    expect_conflict([&] { dossiers.add_member("B", person, MemberRole::conjoint, t0); });
    expect_conflict([&] { dossiers.add_member("A", second, MemberRole::allocataire, t0); });  // one per dossier
    expect_conflict([&] { dossiers.add_member("Z", second, MemberRole::enfant, t0); });       // no such dossier
    // A child can be in two dossiers (separated parents).
    dossiers.add_member("A", second, MemberRole::enfant, t0);
    dossiers.add_member("B", second, MemberRole::enfant, t0);
    this->db().transaction([&](Connection& c) {
        EXPECT_EQ(dossiers.memberships_of_account(c, second).size(), 2u);
        EXPECT_TRUE(dossiers.remove_member(c, "A", person));
        EXPECT_TRUE(dossiers.mark_delegation_question_answered(c, "B", t0 + 1));
    });
    dossiers.add_member("B", person, MemberRole::allocataire, t0 + 2);
    EXPECT_TRUE(dossiers.find("B")->delegation_question_answered);
    this->db().transaction([&](Connection& c) {
        EXPECT_TRUE(dossiers.remove(c, "B"));
        EXPECT_EQ(dossiers.memberships_of_account(c, second).size(), 1u);
    });
}

template <class B>
class NotificationsTest : public StoreTest<B> {
protected:
    std::int64_t enqueue(std::int64_t now = t0) {
        return this->store().notifications().enqueue({"sms", "sealed-06", "lockout_frozen", "sealed-payload"}, now);
    }
};
TYPED_TEST_SUITE(NotificationsTest, Backends, BackendNames);

TYPED_TEST(NotificationsTest, DueNotificationsAreClaimedSentOrRetriedWithBackoff) {
    auto& queue = this->store().notifications();
    const auto first = this->enqueue(t0);
    const auto second = this->enqueue(t0 + 5);
    auto claimed = queue.claim_due(t0 + 1, 10, 60);
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0].id, first);
    EXPECT_EQ(claimed[0].recipient_sealed, "sealed-06");
    EXPECT_EQ(claimed[0].payload_sealed, "sealed-payload");
    EXPECT_EQ(claimed[0].template_name, "lockout_frozen");
    EXPECT_EQ(claimed[0].attempts, 1);
    EXPECT_TRUE(queue.claim_due(t0 + 2, 10, 60).empty());  // leased; second not due yet
    EXPECT_TRUE(queue.mark_sent(first, 1, t0 + 3));
    EXPECT_EQ(this->db().read([&](Connection& c) { return queue.find(c, first); })->status, "sent");

    auto again = queue.claim_due(t0 + 10, 10, 60);
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].id, second);
    EXPECT_TRUE(queue.mark_failed(second, 1, t0 + 11, "gateway 503", {3, 30, 3600}));
    auto failed = this->db().read([&](Connection& c) { return queue.find(c, second); });
    EXPECT_EQ(failed->status, "pending");
    EXPECT_EQ(failed->next_attempt_at, t0 + 41);
    EXPECT_EQ(failed->last_error, "gateway 503");
    EXPECT_TRUE(queue.claim_due(t0 + 40, 10, 60).empty());
    ASSERT_EQ(queue.claim_due(t0 + 41, 10, 60).size(), 1u);
    EXPECT_TRUE(queue.mark_failed(second, 2, t0 + 42, "gateway 503", {3, 30, 3600}));
    EXPECT_EQ(this->db().read([&](Connection& c) { return queue.find(c, second); })->next_attempt_at, t0 + 102);
    ASSERT_EQ(queue.claim_due(t0 + 102, 10, 60).size(), 1u);
    EXPECT_TRUE(queue.mark_failed(second, 3, t0 + 103, "gateway 503", {3, 30, 3600}));
    EXPECT_EQ(this->db().read([&](Connection& c) { return queue.find(c, second); })->status, "failed");
    EXPECT_TRUE(queue.claim_due(t0 + 100'000, 10, 60).empty());
    EXPECT_EQ(this->db().transaction([&](Connection& c) { return queue.delete_sent(c, t0 + 100'000); }), 2);
}

TYPED_TEST(NotificationsTest, AnAbandonedClaimIsTakenOverAndTheOldWorkerIsFencedOff) {
    auto& queue = this->store().notifications();
    const auto id = this->enqueue();
    ASSERT_EQ(queue.claim_due(t0, 10, 60).size(), 1u);
    auto taken_over = queue.claim_due(t0 + 60, 10, 60);  // the lease ended
    ASSERT_EQ(taken_over.size(), 1u);
    EXPECT_EQ(taken_over[0].attempts, 2);
    EXPECT_FALSE(queue.mark_sent(id, 1, t0 + 61));  // the first worker lost its claim
    EXPECT_TRUE(queue.mark_sent(id, 2, t0 + 62));
}

TYPED_TEST(NotificationsTest, TwoClaimersNeverClaimTheSameNotification) {
    constexpr int total = 60;
    for (int i = 0; i < total; ++i) this->enqueue();
    std::mutex m;
    std::multiset<std::int64_t> seen;
    std::vector<std::thread> workers;
    for (int w = 0; w < 2; ++w) {
        workers.emplace_back([&] {
            for (;;) {
                auto batch = this->store().notifications().claim_due(t0 + 1, 7, 600);
                if (batch.empty()) return;
                std::lock_guard lock(m);
                for (const auto& n : batch) seen.insert(n.id);
            }
        });
    }
    for (auto& w : workers) w.join();
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(total));
    EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()).size(), static_cast<std::size_t>(total));
}

template <class B>
class DraftsTest : public StoreTest<B> {};
TYPED_TEST_SUITE(DraftsTest, Backends, BackendNames);

TYPED_TEST(DraftsTest, DraftIsSavedReplacedAndExpires) {
    auto& drafts = this->store().drafts();
    drafts.save("d1", "sealed-step1", t0, t0 + 3600);
    drafts.save("d1", "sealed-step2", t0 + 10, t0 + 3610);
    drafts.save("d2", "sealed-other", t0, t0 + 100);
    auto d = drafts.find("d1", t0 + 20);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->payload_sealed, "sealed-step2");
    EXPECT_EQ(d->created_at, t0);
    EXPECT_EQ(d->updated_at, t0 + 10);
    EXPECT_EQ(d->expires_at, t0 + 3610);
    EXPECT_FALSE(drafts.find("d2", t0 + 100));
    EXPECT_EQ(drafts.delete_expired(t0 + 100), 1);
    EXPECT_TRUE(drafts.remove("d1"));
    EXPECT_FALSE(drafts.remove("d1"));
    EXPECT_FALSE(drafts.find("d1", t0));
}

}  // namespace
}  // namespace caf::storage::testing
