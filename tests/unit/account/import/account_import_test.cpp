// Account import against a real SQLite store: validation per line, idempotence, no personal data
// in clear in the store.
#include "account/import/account_import.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "account/identifiers/nir.hpp"
#include "storage/accounts.hpp"
#include "storage/dossiers.hpp"
#include "storage/migrations.hpp"

using namespace caf;
using namespace caf::account;

namespace {

std::string valid_nir(std::string thirteen) { return thirteen + (nir_key(thirteen) < 10 ? "0" : "") + std::to_string(nir_key(thirteen)); }

class AccountImport : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("caf-import-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
        std::filesystem::remove(path_);
        db_ = storage::open_database("sqlite:" + path_.string(), 2);
        storage::migrate(*db_);
    }
    void TearDown() override {
        db_.reset();
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
    }
    ImportReport run(const std::string& text) {
        std::istringstream in(text);
        AccountImporter importer(*db_, protector_, hasher_, clock_);
        return importer.import(in, 2, 2);
    }

    std::filesystem::path path_;
    std::unique_ptr<storage::Database> db_;
    PersonalDataProtector protector_{std::string(32, 'd'), std::string(32, 'l')};
    PasswordHasher hasher_{Argon2Params{1024, 1, 1, 16, 32}, system_random()};
    ManualClock clock_;
};

}  // namespace

TEST_F(AccountImport, CreatesAccountsWithHashedPasswordAndSealedPersonalData) {
    auto nir = valid_nir("1630631555082");
    auto report = run(R"({"nir":")" + nir + R"(","password":"Motdepasse2024","civilite":"Monsieur","birth_name":"DUPONT","first_names":"Jean","birth_date":"1963-06-15","birth_place":"31555","email":"jean.dupont@example.test"}
{"provisional_id":"P33392250","password":"12345678","legacy_password":true}
)");
    EXPECT_EQ(report.created, 2u);
    EXPECT_TRUE(report.failures.empty());
    auto account = storage::Accounts(*db_).find_by_nir_lookup(protector_.lookup(PersonalDataKind::nir, "1630631555082"));
    ASSERT_TRUE(account.has_value());
    EXPECT_TRUE(hasher_.verify("Motdepasse2024", account->password_hash.value()));
    EXPECT_EQ(protector_.open(PersonalDataKind::email, account->email_sealed.value()).value(), "jean.dupont@example.test");
    EXPECT_EQ(account->nir_sealed->find("1630631555082"), std::string::npos);
    auto legacy = storage::Accounts(*db_).find_by_provisional_id("P33392250");
    ASSERT_TRUE(legacy.has_value());
    EXPECT_TRUE(legacy->legacy_password);
}

TEST_F(AccountImport, SecondIdenticalImportChangesNothing) {
    std::string lines = R"({"nir":"2850575123456","password_hash":"$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"}
{"provisional_id":"P00000001"}
)";
    EXPECT_EQ(run(lines).created, 2u);
    auto again = run(lines);
    EXPECT_EQ(again.created, 0u);
    EXPECT_EQ(again.unchanged, 2u);
}

TEST_F(AccountImport, BadLinesAreReportedByNumberWithoutTheirData) {
    auto report = run(R"({"nir":"163063155508200"}
not json
{"nir":"1630631555082","provisional_id":"P12345678"}
{"provisional_id":"P12345678","email":"nope"}
{"provisional_id":"P12345678","colour":"blue"}
{"provisional_id":"P87654321"}
)");
    EXPECT_EQ(report.created, 1u);
    ASSERT_EQ(report.failures.size(), 5u);
    EXPECT_EQ(report.failures[0].line, 1u);
    EXPECT_EQ(report.failures[0].reason.find("1630631555082"), std::string::npos);
    EXPECT_EQ(report.failures[1].reason, "not a JSON object");
    EXPECT_EQ(report.failures[2].reason, "give exactly one of nir and provisional_id");
    EXPECT_EQ(report.failures[3].reason, "email is not an e-mail address");
    EXPECT_EQ(report.failures[4].reason, "unknown field colour");
}

TEST_F(AccountImport, SameIdentifierTwiceInOneFileMakesOneAccount) {
    auto report = run("{\"provisional_id\":\"P11111111\"}\n{\"provisional_id\":\"p 1111 1111\"}\n");
    EXPECT_EQ(report.created, 1u);
    EXPECT_EQ(report.unchanged, 1u);
}

// Dossiers (SPEC.md §7): created when absent, memberships added once, conflicts per line.
TEST_F(AccountImport, DossierMembershipsAreCreatedOnceAndConflictsReportedPerLine) {
    const std::string lines = R"({"nir":"1630631555082","dossier":{"numero":"7000001","role":"allocataire","delegation":true}}
{"nir":"285112A004123","dossier":{"numero":"7000001","role":"conjoint"}}
{"nir":"1070975056089","dossier":{"numero":"7000001","role":"enfant"}}
{"provisional_id":"P33392250","dossier":{"numero":"7000003","role":"allocataire"}}
)";
    auto first = run(lines);
    EXPECT_TRUE(first.failures.empty()) << first.failures.front().reason;
    EXPECT_EQ(first.created, 4u);
    EXPECT_EQ(first.memberships_added, 4u);
    storage::Dossiers dossiers(*db_);
    auto couple = dossiers.find("7000001");
    ASSERT_TRUE(couple);
    EXPECT_TRUE(couple->delegation_granted);
    EXPECT_TRUE(couple->delegation_question_answered);
    auto members = dossiers.members("7000001");
    ASSERT_EQ(members.size(), 3u);
    EXPECT_EQ(members[1].role, storage::MemberRole::conjoint);
    ASSERT_TRUE(dossiers.find("7000003"));

    // Idempotent: a second identical import changes nothing, even after the allocataire's choice.
    dossiers.set_delegation("7000001", false, members[0].account_id, 5);
    auto second = run(lines);
    EXPECT_TRUE(second.failures.empty());
    EXPECT_EQ(second.created, 0u);
    EXPECT_EQ(second.unchanged, 4u);
    EXPECT_EQ(second.memberships_added, 0u);
    EXPECT_EQ(dossiers.members("7000001").size(), 3u);
    EXPECT_FALSE(dossiers.find("7000001")->delegation_granted);

    // Conflicts: a second allocataire, a spouse already spouse elsewhere, a role change. Each line
    // fails alone and stores nothing (not even its new account); the good line goes in.
    auto third = run(R"({"nir":"2850575123456","dossier":{"numero":"7000001","role":"allocataire"}}
{"nir":"285112A004123","dossier":{"numero":"7000009","role":"conjoint"}}
{"nir":"1070975056089","dossier":{"numero":"7000001","role":"autre"}}
{"nir":"2850369123456","dossier":{"numero":"7000009","role":"allocataire"}}
)");
    ASSERT_EQ(third.failures.size(), 3u);
    EXPECT_EQ(third.failures[0].line, 1u);
    EXPECT_NE(third.failures[0].reason.find("already has an allocataire"), std::string::npos) << third.failures[0].reason;
    EXPECT_EQ(third.failures[1].line, 2u);
    EXPECT_NE(third.failures[1].reason.find("at most one dossier"), std::string::npos) << third.failures[1].reason;
    EXPECT_EQ(third.failures[2].line, 3u);
    EXPECT_NE(third.failures[2].reason.find("does not change roles"), std::string::npos) << third.failures[2].reason;
    EXPECT_EQ(third.created, 1u);
    EXPECT_FALSE(storage::Accounts(*db_).find_by_nir_lookup(protector_.lookup(PersonalDataKind::nir, "2850575123456")))
        << "the failed line's account is not stored";
    EXPECT_EQ(dossiers.members("7000009").size(), 1u);
}

TEST_F(AccountImport, BadDossierFieldsAreRefused) {
    auto report = run(R"({"provisional_id":"P00000001","dossier":{"numero":"7000001"}}
{"provisional_id":"P00000002","dossier":{"numero":"70A","role":"enfant"}}
{"provisional_id":"P00000003","dossier":{"numero":"7000001","role":"conjoint","delegation":true}}
{"provisional_id":"P00000004","dossier":"7000001"}
)");
    ASSERT_EQ(report.failures.size(), 4u);
    EXPECT_EQ(report.failures[0].reason, "dossier.role must be allocataire, conjoint, enfant or autre");
    EXPECT_EQ(report.failures[1].reason, "dossier.numero must be 1 to 20 digits");
    EXPECT_EQ(report.failures[2].reason, "dossier.delegation is given by the allocataire's line only");
    EXPECT_EQ(report.created, 0u);
}
