// "Identifiant provisoire oublié ?" over SQLite and MariaDB: provisional accounts are found by
// their recovery lookup (a keyed HMAC), rows stored before it existed are filled in first, and an
// unknown person gets the same outcome as a mismatch.
#include <gtest/gtest.h>

#include "account/import/account_import.hpp"
#include "account/recovery/provisional_id_recovery.hpp"
#include "storage/accounts.hpp"
#include "storage/notifications.hpp"
#include "store_fixture.hpp"

namespace caf::account::recovery {
namespace {

using storage::testing::t0;

const PersonRecord awa{"Madame", "N'DIAYE", "Awa Marie", "", "1990-02-03", "75056", "99100"};
const PersonRecord paul{"Monsieur", "MARTIN", "Paul", "", "1971-11-30", "69123", "99100"};

template <class Backend>
class ProvisionalRecoveryStore : public storage::testing::StoreTest<Backend> {
protected:
    storage::Database& store() { return this->db(); }

    std::int64_t add_provisional(const PersonRecord& person, std::string provisional_id, std::string email) {
        ImportRecord record;
        record.provisional_id = std::move(provisional_id);
        record.person = person;
        record.email = std::move(email);
        return storage::Accounts(store()).create(new_account_of(record, protector_, "$argon2id$test", t0), t0);
    }
    ProvisionalIdSent ask(const char* name, const char* first, const char* date, const char* contact) {
        return send_forgotten_provisional_id(store(), protector_, ProvisionalIdForm{name, first, date, contact},
                                             from_unix_seconds(t0 + 10));
    }
    std::optional<std::string> lookup_of(std::int64_t id) { return storage::Accounts(store()).find(id)->recovery_lookup; }
    void set_lookup(std::int64_t id, std::optional<std::string> lookup) {
        store().transaction([&](storage::Connection& c) {
            c.exec("UPDATE accounts SET recovery_lookup = ? WHERE id = ?", {storage::nullable_blob(lookup), id});
        });
    }

    PersonalDataProtector protector_{std::string(32, 'd'), std::string(32, 'l')};
};

TYPED_TEST_SUITE(ProvisionalRecoveryStore, storage::testing::Backends, storage::testing::BackendNames);

TYPED_TEST(ProvisionalRecoveryStore, TheAccountIsFoundByItsLookupAndAnUnknownPersonGetsNothing) {
    auto id = this->add_provisional(awa, "P33392250", "awa.ndiaye@example.test");
    this->add_provisional(paul, "P33392251", "paul.martin@example.test");
    ASSERT_TRUE(this->lookup_of(id).has_value()) << "filled at creation and import";

    auto found = this->ask("N DIAYE", "awa", "03/02/1990", "Awa.Ndiaye@example.test");
    EXPECT_TRUE(found.sent);
    EXPECT_EQ(found.account_id, id);

    // Nobody of that name, or the right person with another contact: the same nothing.
    for (auto outcome : {this->ask("DURAND", "Awa", "03/02/1990", "awa.ndiaye@example.test"),
                         this->ask("N'DIAYE", "Awa", "03/02/1990", "paul.martin@example.test")}) {
        EXPECT_FALSE(outcome.sent);
        EXPECT_FALSE(outcome.account_id.has_value());
    }
}

// Only the rows of the lookup are opened: an account whose stored lookup names someone else is
// not compared at all (before the lookup, every provisional account was decrypted per request).
TYPED_TEST(ProvisionalRecoveryStore, OnlyTheRowsOfTheLookupAreCompared) {
    auto id = this->add_provisional(awa, "P33392250", "awa.ndiaye@example.test");
    this->set_lookup(id, this->protector_.lookup(PersonalDataKind::civil_status, provisional_recovery_key(paul)));
    EXPECT_FALSE(this->ask("N'DIAYE", "Awa", "1990-02-03", "awa.ndiaye@example.test").sent);
}

// Migration 9 adds the column empty: rows stored before it get their lookup before the search.
TYPED_TEST(ProvisionalRecoveryStore, AccountsStoredBeforeTheLookupExistedAreFilledInAndFound) {
    auto id = this->add_provisional(awa, "P33392250", "awa.ndiaye@example.test");
    auto other = this->add_provisional(paul, "P33392251", "paul.martin@example.test");
    const auto expected = this->lookup_of(id);
    this->set_lookup(id, std::nullopt);
    this->set_lookup(other, std::nullopt);

    auto found = this->ask("N'DIAYE", "Awa Marie", "03/02/1990", "awa.ndiaye@example.test");
    EXPECT_TRUE(found.sent);
    EXPECT_EQ(found.account_id, id);
    EXPECT_EQ(this->lookup_of(id), expected);
    EXPECT_TRUE(this->lookup_of(other).has_value());
}

}  // namespace
}  // namespace caf::account::recovery
