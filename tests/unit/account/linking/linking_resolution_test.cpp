// Linking an external identity to an account (SPEC.md §8 steps 1, 2 and 4), on SQLite and on
// MariaDB: the resolution order, what is linked and audited, and what never matches.
#include <gtest/gtest.h>

#include "account/import/account_import.hpp"
#include "account/linking/external_links.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/error.hpp"
#include "storage/external_links.hpp"
#include "store_fixture.hpp"

namespace caf::account::linking {
namespace {

using storage::testing::t0;

const PersonRecord jean{"Monsieur", "DUPONT", "Jean", "", "1963-06-15", "31555", "99100"};
const PersonRecord minh{"Monsieur", "NGUYEN", "Minh", "", "1975-01-01", "", "99243"};
constexpr const char* jean_nir = "1630631555082";
constexpr const char* fc = "franceconnect";

template <class Backend>
class LinkingResolution : public storage::testing::StoreTest<Backend> {
protected:
    storage::Database& store() { return this->db(); }

    // An account stored the way the import and the creation store them.
    std::int64_t add_account(const PersonRecord& person, std::optional<std::string> nir,
                             std::optional<std::string> email = std::nullopt) {
        return storage::Accounts(store()).create(new_account(person, std::move(nir), std::move(email)), t0);
    }
    // An account created by someone through the wizard: nobody checked its civil status.
    std::int64_t add_self_created_account(const PersonRecord& person, std::optional<std::string> nir) {
        auto account = new_account(person, std::move(nir), std::nullopt);
        account.identity_verified = false;
        return storage::Accounts(store()).create(account, t0);
    }
    storage::NewAccount new_account(const PersonRecord& person, std::optional<std::string> nir,
                                    std::optional<std::string> email) {
        ImportRecord record;
        record.nir = std::move(nir);
        if (!record.nir) record.provisional_id = "P" + std::to_string(10000000 + ++provisional_);
        record.person = person;
        record.email = std::move(email);
        record.email_verified = record.email.has_value();
        return new_account_of(record, protector_, "$argon2id$test", t0);
    }

    ExternalIdentityClaims claims(const PersonRecord& person, std::string subject = std::string(64, 'a') + "v1") {
        return ExternalIdentityClaims{fc, std::move(subject), person, std::nullopt};
    }

    std::vector<storage::ExternalLink> links_of(std::int64_t account) {
        return storage::ExternalLinks(store()).list_of_account(account);
    }
    std::vector<storage::AuditEntry> audit(const std::string& action) {
        storage::AuditQuery q;
        q.action = action;
        return storage::AuditLog(store()).list(q);
    }

    PersonalDataProtector protector_{std::string(32, 'd'), std::string(32, 'l')};
    int provisional_ = 0;
};

TYPED_TEST_SUITE(LinkingResolution, storage::testing::Backends, storage::testing::BackendNames);

TYPED_TEST(LinkingResolution, UniquePivotMatchIsLinkedAndAuditedWithoutPersonalData) {
    auto id = this->add_account(jean, jean_nir);
    PersonRecord written = jean;  // the provider's spelling differs only by normalisation
    written.birth_name = "Dupont";
    written.first_names = "jean";
    auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(written), t0 + 5);
    EXPECT_EQ(resolved.resolution, Resolution::pivot_match);
    EXPECT_EQ(resolved.account_id, id);

    auto links = this->links_of(id);
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].provider, fc);
    EXPECT_EQ(links[0].created_at, t0 + 5);

    auto entries = this->audit("external_link.created");
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].account_id, id);
    EXPECT_EQ(entries[0].details["provider"], fc);
    EXPECT_EQ(entries[0].details["how"], "pivot_match");
    const auto dumped = entries[0].details.dump();
    EXPECT_EQ(dumped.find(jean_nir), std::string::npos);
    EXPECT_EQ(dumped.find(std::string(64, 'a')), std::string::npos);  // the sub, only digested
    EXPECT_EQ(dumped.find("DUPONT"), std::string::npos);
}

TYPED_TEST(LinkingResolution, AnAccountNobodyVouchesForIsNotLinkedByThePivot) {
    // Someone created an account in Jean's name without a NIR; Jean's first FranceConnect login
    // must not land in it.
    auto planted = this->add_self_created_account(jean, std::nullopt);
    auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(jean), t0 + 5);
    EXPECT_EQ(resolved.resolution, Resolution::no_match);
    EXPECT_FALSE(resolved.account_id.has_value());
    EXPECT_TRUE(this->links_of(planted).empty());
    EXPECT_TRUE(this->audit("external_link.created").empty());
}

TYPED_TEST(LinkingResolution, AnAccountNobodyVouchesForIsNotLinkedByAProviderVerifiedNir) {
    auto planted = this->add_self_created_account(jean, jean_nir);
    auto identity = this->claims(jean);
    identity.verified_nir = jean_nir;
    auto resolved = resolve_external_identity(this->store(), this->protector_, identity, t0 + 5);
    EXPECT_EQ(resolved.resolution, Resolution::no_match);
    EXPECT_TRUE(this->links_of(planted).empty());
}

TYPED_TEST(LinkingResolution, TheVouchedForAccountIsLinkedBesideAPlantedHomonym) {
    auto planted = this->add_self_created_account(jean, std::nullopt);
    auto real = this->add_account(jean, jean_nir);
    auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(jean), t0 + 5);
    EXPECT_EQ(resolved.resolution, Resolution::pivot_match);
    EXPECT_EQ(resolved.account_id, real);
    EXPECT_TRUE(this->links_of(planted).empty());
}

TYPED_TEST(LinkingResolution, AnAccountTheBackOfficeVouchesForIsLinkedByThePivot) {
    auto id = this->add_self_created_account(jean, std::nullopt);
    this->store().transaction([&](storage::Connection& c) {
        return storage::Accounts(this->store()).set_identity_verified(c, id, true, t0 + 1);
    });
    auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(jean), t0 + 5);
    EXPECT_EQ(resolved.resolution, Resolution::pivot_match);
    EXPECT_EQ(resolved.account_id, id);
}

TYPED_TEST(LinkingResolution, KnownLinkWinsOverThePivot) {
    auto linked = this->add_account(PersonRecord{"Madame", "MARTIN", "Claire", "", "1980-02-29", "75056", "99100"},
                                    "2800275056123");
    auto same_pivot = this->add_account(jean, jean_nir);
    this->store().transaction([&](storage::Connection& c) {
        link_external_identity(c, this->store(), linked, fc, std::string(64, 'a') + "v1", "password", t0);
    });
    auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(jean), t0 + 5);
    EXPECT_EQ(resolved.resolution, Resolution::known_link);
    EXPECT_EQ(resolved.account_id, linked);
    EXPECT_TRUE(this->links_of(same_pivot).empty());
    EXPECT_EQ(this->audit("external_link.created").size(), 1u);  // the first link only
}

// A blocked, disabled or closed account must not log in through an old link: whatever the
// status other than active, the link resolves to no account (and the pivot is not tried either).
TYPED_TEST(LinkingResolution, KnownLinkToAnAccountThatCannotLogInGivesNoAccount) {
    for (const char* status : {"disabled", "blocked", "closed"}) {
        auto id = this->add_account(jean, std::nullopt);
        const auto subject = std::string(64, status[0]) + "v1";
        this->store().transaction([&](storage::Connection& c) {
            link_external_identity(c, this->store(), id, fc, subject, "password", t0);
            storage::Accounts(this->store()).set_status(c, id, status, t0 + 1);
        });
        auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(jean, subject), t0 + 5);
        EXPECT_EQ(resolved.resolution, Resolution::unusable) << status;
        EXPECT_FALSE(resolved.account_id.has_value()) << status;
    }
}

TYPED_TEST(LinkingResolution, ProviderVerifiedNirLinksEvenWhenThePivotDiffers) {
    auto id = this->add_account(jean, jean_nir);
    PersonRecord corrected = jean;
    corrected.first_names = "Jean Pierre";  // civil status corrected at the provider
    auto identity = this->claims(corrected);
    identity.verified_nir = jean_nir;
    auto resolved = resolve_external_identity(this->store(), this->protector_, identity, t0);
    EXPECT_EQ(resolved.resolution, Resolution::verified_nir);
    EXPECT_EQ(resolved.account_id, id);
    EXPECT_EQ(this->audit("external_link.created").at(0).details["how"], "verified_nir");
}

TYPED_TEST(LinkingResolution, BornAbroadMatchesWhateverTheBirthplace) {
    auto id = this->add_account(minh, std::nullopt);
    PersonRecord sent = minh;
    sent.birth_place = "";  // FranceConnect's shape for people born abroad
    auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(sent), t0);
    EXPECT_EQ(resolved.resolution, Resolution::pivot_match);
    EXPECT_EQ(resolved.account_id, id);
}

TYPED_TEST(LinkingResolution, TwoAccountsSharingThePivotLinkNothing) {
    auto first = this->add_account(jean, jean_nir);
    auto second = this->add_account(jean, std::nullopt);
    auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(jean), t0);
    EXPECT_EQ(resolved.resolution, Resolution::ambiguous);
    EXPECT_FALSE(resolved.account_id);
    EXPECT_TRUE(this->links_of(first).empty());
    EXPECT_TRUE(this->links_of(second).empty());
    EXPECT_TRUE(this->audit("external_link.created").empty());
}

TYPED_TEST(LinkingResolution, TheEmailNeverMatches) {
    auto id = this->add_account(jean, jean_nir, "jean.dupont@example.test");
    PersonRecord other = jean;
    other.birth_date = "1963-06-16";
    auto resolved = resolve_external_identity(this->store(), this->protector_, this->claims(other), t0);
    EXPECT_EQ(resolved.resolution, Resolution::no_match);
    EXPECT_TRUE(this->links_of(id).empty());
}

TYPED_TEST(LinkingResolution, UnknownVerifiedNirFallsBackToThePivot) {
    auto id = this->add_account(jean, jean_nir);
    auto identity = this->claims(jean);
    identity.verified_nir = "2850775123456";
    auto resolved = resolve_external_identity(this->store(), this->protector_, identity, t0);
    EXPECT_EQ(resolved.resolution, Resolution::pivot_match);
    EXPECT_EQ(resolved.account_id, id);
}

TYPED_TEST(LinkingResolution, ANewSubOfTheSameProviderReplacesTheOldLink) {
    auto id = this->add_account(jean, jean_nir);
    const std::string old_sub = std::string(64, 'b') + "v1", new_sub = std::string(64, 'c') + "v1";
    this->store().transaction([&](storage::Connection& c) {
        link_external_identity(c, this->store(), id, fc, old_sub, "pivot_match", t0);
    });
    this->store().transaction([&](storage::Connection& c) {
        link_external_identity(c, this->store(), id, fc, new_sub, "password", t0 + 10);
    });
    auto links = this->links_of(id);
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].subject, new_sub);
    auto removed = this->audit("external_link.removed");
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].details["reason"], "replaced");
}

TYPED_TEST(LinkingResolution, ASubLinkedToAnotherAccountIsAConflict) {
    auto first = this->add_account(jean, jean_nir);
    auto second = this->add_account(minh, std::nullopt);
    const std::string sub = std::string(64, 'd') + "v1";
    this->store().transaction(
        [&](storage::Connection& c) { link_external_identity(c, this->store(), first, fc, sub, "password", t0); });
    EXPECT_THROW(this->store().transaction([&](storage::Connection& c) {
        link_external_identity(c, this->store(), second, fc, sub, "password", t0);
    }),
                 storage::StoreError);
    EXPECT_TRUE(this->links_of(second).empty());
}

TYPED_TEST(LinkingResolution, OnlyTheOwnerUnlinksAndItIsAudited) {
    auto owner = this->add_account(jean, jean_nir);
    auto other = this->add_account(minh, std::nullopt);
    const std::string sub = std::string(64, 'e') + "v1";
    this->store().transaction(
        [&](storage::Connection& c) { link_external_identity(c, this->store(), owner, fc, sub, "creation", t0); });

    EXPECT_FALSE(unlink_external_identity(this->store(), other, fc, sub, t0 + 1));
    EXPECT_EQ(this->links_of(owner).size(), 1u);
    EXPECT_TRUE(unlink_external_identity(this->store(), owner, fc, sub, t0 + 2));
    EXPECT_TRUE(this->links_of(owner).empty());

    auto removed = this->audit("external_link.removed");
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].account_id, owner);
    EXPECT_EQ(removed[0].details["provider"], fc);
    EXPECT_EQ(removed[0].details.dump().find(sub), std::string::npos);
}

TYPED_TEST(LinkingResolution, AfterTheOwnerUnlinksNothingIsLinkedAutomaticallyAgain) {
    auto id = this->add_account(jean, jean_nir);
    const std::string sub = std::string(64, 'f') + "v1";
    ASSERT_EQ(resolve_external_identity(this->store(), this->protector_, this->claims(jean, sub), t0).resolution,
              Resolution::pivot_match);
    ASSERT_TRUE(unlink_external_identity(this->store(), id, fc, sub, t0 + 1));

    // The next login through the provider asks again, whether by pivot or by verified NIR.
    auto identity = this->claims(jean, sub);
    EXPECT_EQ(resolve_external_identity(this->store(), this->protector_, identity, t0 + 2).resolution,
              Resolution::no_match);
    identity.verified_nir = jean_nir;
    EXPECT_EQ(resolve_external_identity(this->store(), this->protector_, identity, t0 + 3).resolution,
              Resolution::no_match);
    EXPECT_TRUE(this->links_of(id).empty());

    // Linked again by the person (password): automatic matching is back for a later new sub.
    this->store().transaction(
        [&](storage::Connection& c) { link_external_identity(c, this->store(), id, fc, sub, "password", t0 + 4); });
    auto later = resolve_external_identity(this->store(), this->protector_,
                                           this->claims(jean, std::string(64, '9') + "v1"), t0 + 5);
    EXPECT_EQ(later.resolution, Resolution::pivot_match);
    EXPECT_EQ(later.account_id, id);
}

}  // namespace
}  // namespace caf::account::linking
