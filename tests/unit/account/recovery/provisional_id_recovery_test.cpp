// "Identifiant provisoire oublié ?" (SPEC.md §6) and the back-office NIR attachment (§1).
#include "recovery_fixture.hpp"

#include "account/backoffice/attach_nir.hpp"
#include "account/recovery/provisional_id_recovery.hpp"

namespace caf::account::test {
namespace {

constexpr const char* awa_id = "P33392250";
constexpr const char* awa_nir = "2900275056123";
constexpr const char* same_answer = "Si les informations saisies correspondent à un compte Mon Compte";

class ProvisionalRecoveryTest : public RecoveryTest {
protected:
    std::int64_t add_awa() {
        return add_account({{"provisional_id", awa_id}, {"password", jean_password}, {"civilite", "Madame"},
                            {"birth_name", "N'DIAYE"}, {"first_names", "Awa Marie"}, {"birth_date", "1990-02-03"},
                            {"birth_place", "75056"}, {"email", "awa.ndiaye@example.test"}, {"phone", "0698765432"}});
    }
    http::Response ask_id(const std::string& name, const std::string& first, const std::string& date,
                          const std::string& contact) {
        get("/identifiant-provisoire-oublie");
        return post("/identifiant-provisoire-oublie",
                    {{"nom_naissance", name}, {"prenom", first}, {"date_naissance", date}, {"contact", contact},
                     {"captcha_id", captcha_.last_id()}, {"captcha", std::string(KnownCaptcha::answer)}},
                    "identifiant-provisoire");
    }
};

TEST_F(ProvisionalRecoveryTest, IdentifierIsSentByMailWhenEverythingMatches) {
    add_awa();
    auto page = ask_id("n'diaye", "Awa", "03/02/1990", "Awa.Ndiaye@example.test ");
    EXPECT_EQ(page.status, 200);
    EXPECT_TRUE(has(page, same_answer));
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].channel, "email");
    EXPECT_EQ(queued[0].recipient, "awa.ndiaye@example.test");
    EXPECT_EQ(queued[0].template_name, "notification_provisional_id");
    EXPECT_NE(queued[0].data.dump().find(awa_id), std::string::npos);
    EXPECT_FALSE(has(page, awa_id));  // never on the page
}

TEST_F(ProvisionalRecoveryTest, IdentifierIsSentBySmsToTheMobileGiven) {
    add_awa();
    ask_id("N DIAYE", "Awa Marie", "1990-02-03", "+33 6 98 76 54 32");
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].channel, "sms");
    EXPECT_EQ(queued[0].recipient, "0698765432");
}

TEST_F(ProvisionalRecoveryTest, NothingIsSentUnlessEverythingMatchesAndTheAnswerIsTheSame) {
    add_awa();
    const auto good = ask_id("N'DIAYE", "Awa", "03/02/1990", "awa.ndiaye@example.test");
    ASSERT_EQ(take_queued().size(), 1u);
    for (auto [name, first, date, contact] :
         {std::tuple{"MARTIN", "Awa", "03/02/1990", "awa.ndiaye@example.test"},
          {"N'DIAYE", "Fatou", "03/02/1990", "awa.ndiaye@example.test"},
          {"N'DIAYE", "Awa", "04/02/1990", "awa.ndiaye@example.test"},
          {"N'DIAYE", "Awa", "03/02/1990", "autre@example.test"},
          {"N'DIAYE", "Awa", "03/02/1990", "0611111111"}}) {
        auto page = ask_id(name, first, date, contact);
        EXPECT_EQ(page.status, good.status) << name << first << date << contact;
        EXPECT_EQ(page.body, good.body);
        EXPECT_TRUE(take_queued().empty()) << name << first << date << contact;
    }
}

TEST_F(ProvisionalRecoveryTest, MalformedFieldsAreReportedOnTheField) {
    auto page = ask_id("", "Awa", "31/02/1990", "pas un contact");
    EXPECT_EQ(page.status, 400);
    EXPECT_TRUE(has(page, "Veuillez saisir votre nom de naissance."));
    EXPECT_TRUE(has(page, "La date de naissance doit être une date valide au format JJ/MM/AAAA."));
    EXPECT_TRUE(has(page, "Veuillez saisir une adresse mail valide ou un numéro de téléphone portable à 10 chiffres."));
}

TEST_F(ProvisionalRecoveryTest, AccountWithANirNoLongerGetsItsProvisionalIdentifier) {
    add_awa();
    ASSERT_TRUE(backoffice::attach_nir(*db_, protector_, awa_id, awa_nir, "test", clock_.now()));
    ask_id("N'DIAYE", "Awa", "03/02/1990", "awa.ndiaye@example.test");
    EXPECT_TRUE(take_queued().empty());
}

TEST(CanonicalContact, MailAndPhoneWrittenTwoWaysCompareEqual) {
    EXPECT_EQ(recovery::canonical_contact(" A.B@Example.TEST "), "a.b@example.test");
    EXPECT_EQ(recovery::canonical_contact("06 12 34 56 78"), "0612345678");
    EXPECT_EQ(recovery::canonical_contact("+33 6 12 34 56 78"), "0612345678");
    EXPECT_EQ(recovery::canonical_contact("06-12"), "");
    EXPECT_EQ(recovery::read_birth_date("03/02/1990"), "1990-02-03");
    EXPECT_FALSE(recovery::read_birth_date("30/02/1990"));
}

TEST_F(ProvisionalRecoveryTest, AttachNirThenLoginWithTheNir) {
    const auto id = add_awa();
    auto attached = backoffice::attach_nir(*db_, protector_, awa_id, "2 90 02 75 056 123", "agent-31", clock_.now());
    ASSERT_TRUE(attached);
    EXPECT_EQ(attached->account_id, id);
    EXPECT_EQ(account_id_of(awa_nir), id);
    EXPECT_EQ(login(awa_nir, jean_password).status, 303);
    auto audit = db_->read([&](storage::Connection& c) {
        return c.query_one("SELECT actor_type, actor_id FROM audit_log WHERE action = 'nir.attached' AND account_id = ?", {id});
    });
    ASSERT_TRUE(audit);
    EXPECT_EQ(audit->text(0), "admin");
    EXPECT_EQ(audit->text(1), "agent-31");
}

TEST_F(ProvisionalRecoveryTest, AttachNirToATakenNirIsRefused) {
    add_jean();
    add_awa();
    auto taken = backoffice::attach_nir(*db_, protector_, awa_id, jean_nir, "test", clock_.now());
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error(), backoffice::AttachNirError::nir_taken);
    EXPECT_EQ(login(jean_nir, jean_password).status, 303);  // Jean is untouched
    auto unknown = backoffice::attach_nir(*db_, protector_, "P11111111", awa_nir, "test", clock_.now());
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error(), backoffice::AttachNirError::unknown_account);
    auto malformed = backoffice::attach_nir(*db_, protector_, awa_id, "123", "test", clock_.now());
    ASSERT_FALSE(malformed);
    EXPECT_EQ(malformed.error(), backoffice::AttachNirError::invalid_nir);
    ASSERT_TRUE(backoffice::attach_nir(*db_, protector_, awa_id, awa_nir, "test", clock_.now()));
    auto twice = backoffice::attach_nir(*db_, protector_, awa_id, awa_nir, "test", clock_.now());
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error(), backoffice::AttachNirError::already_has_nir);
}

}  // namespace
}  // namespace caf::account::test
