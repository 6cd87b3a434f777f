// The creation rules alone: identity document formats and dates, the état civil form, the contact.
#include <gtest/gtest.h>

#include "account/creation/civil_status_form.hpp"
#include "account/creation/contact_form.hpp"
#include "account/creation/identity_document.hpp"

#include <nlohmann/json.hpp>

namespace caf::account::creation {
namespace {

using namespace std::chrono;
constexpr year_month_day birth{year(1963), June, day(15)};
constexpr year_month_day today{year(2024), March, day(8)};

TEST(IdentityDocumentFormat, CarteIdentiteHas12CharactersOrThe9OfTheNewCard) {
    EXPECT_TRUE(well_formed_document_number(IdentityDocumentType::carte_identite, "880692310285"));
    EXPECT_TRUE(well_formed_document_number(IdentityDocumentType::carte_identite, "X4RTBPFW4"));
    EXPECT_FALSE(well_formed_document_number(IdentityDocumentType::carte_identite, "88069231028"));
    EXPECT_FALSE(well_formed_document_number(IdentityDocumentType::carte_identite, "8806923102-5"));
}

TEST(IdentityDocumentFormat, PasseportHas9LettersOrDigits) {
    EXPECT_TRUE(well_formed_document_number(IdentityDocumentType::passeport, "12AB34567"));
    EXPECT_FALSE(well_formed_document_number(IdentityDocumentType::passeport, "12AB3456"));
    EXPECT_FALSE(well_formed_document_number(IdentityDocumentType::passeport, "12AB345678"));
}

TEST(IdentityDocumentFormat, TitreDeSejourHas10Digits) {
    EXPECT_TRUE(well_formed_document_number(IdentityDocumentType::titre_sejour, "1234567890"));
    EXPECT_FALSE(well_formed_document_number(IdentityDocumentType::titre_sejour, "123456789A"));
    EXPECT_FALSE(well_formed_document_number(IdentityDocumentType::titre_sejour, "123456789"));
}

TEST(IdentityDocumentFormat, SpacesAndLowerCaseAreAccepted) {
    EXPECT_EQ(normalise_document_number("12ab 34567"), "12AB34567");
    auto check = check_identity_document("passeport", "12ab 34567", "01/02/2020", birth, today);
    ASSERT_TRUE(check.document);
    EXPECT_EQ(check.document->number, "12AB34567");
}

TEST(IdentityDocumentDates, IssueDateInTheFutureIsRefused) {
    auto check = check_identity_document("cni", "880692310285", "09/03/2024", birth, today);
    ASSERT_EQ(check.problems.size(), 1u);
    EXPECT_EQ(check.problems[0].field, IdentityDocumentField::issue_date);
}

TEST(IdentityDocumentDates, IssueDateBeforeBirthIsRefused) {
    auto check = check_identity_document("cni", "880692310285", "14/06/1963", birth, today);
    ASSERT_EQ(check.problems.size(), 1u);
    EXPECT_EQ(check.problems[0].field, IdentityDocumentField::issue_date);
}

TEST(IdentityDocumentDates, MalformedDateIsRefused) {
    for (auto text : {"2020-01-01", "31/02/2020", "1/1/2020", "aa/bb/cccc"})
        EXPECT_FALSE(check_identity_document("cni", "880692310285", text, birth, today).document) << text;
}

TEST(IdentityDocumentCheck, EveryProblemIsOnItsField) {
    auto check = check_identity_document("", "", "", birth, today);
    EXPECT_EQ(check.problems.size(), 3u);
}

TEST(FormatOnlyDocumentVerifier, ConfirmsWellFormedNumbersOnly) {
    FormatOnlyDocumentVerifier verifier;
    EXPECT_EQ(verifier.verify({IdentityDocumentType::passeport, "12AB34567", birth}), DocumentVerification::confirmed);
    EXPECT_EQ(verifier.verify({IdentityDocumentType::titre_sejour, "12AB34567", birth}), DocumentVerification::rejected);
}

http::Params form_with(std::initializer_list<std::pair<std::string, std::string>> changes) {
    http::Params form{{"possede_nir", "oui"},        {"nir", "1630631555082"},       {"civilite", "monsieur"},
                      {"nom_naissance", "Dupont"},   {"prenoms", "Jean"},           {"date_naissance", "15/06/1963"},
                      {"lieu_naissance", "france"},  {"departement_naissance", "31"}, {"commune_naissance", "31555"},
                      {"reside_france", "oui"},      {"code_postal", "31000"}};
    for (const auto& [k, v] : changes) {
        std::erase_if(form, [&](const auto& p) { return p.first == k; });
        form.emplace_back(k, v);
    }
    return form;
}

TEST(CivilStatusForm, AgreeingNirAndEtatCivilPass) {
    auto entry = check_civil_status_form(form_with({}), today, 15);
    ASSERT_TRUE(entry) << entry.error().begin()->second;
    EXPECT_EQ(entry->nir, "1630631555082");
    EXPECT_EQ(entry->person().birth_place, "31555");
    EXPECT_EQ(entry->person().birth_date, "1963-06-15");
}

TEST(CivilStatusForm, NirStructureErrorIsOnTheNirField) {
    auto entry = check_civil_status_form(form_with({{"nir", "1630631555"}}), today, 15);
    ASSERT_FALSE(entry);
    EXPECT_TRUE(entry.error().contains("nir"));
}

TEST(CivilStatusForm, BirthMonthDisagreementIsOnTheBirthDate) {
    auto entry = check_civil_status_form(form_with({{"date_naissance", "15/07/1963"}}), today, 15);
    ASSERT_FALSE(entry);
    EXPECT_EQ(entry.error().at("date_naissance"), message(NirDisagreement::birth_month));
}

TEST(CivilStatusForm, CommuneMustBelongToTheDepartement) {
    auto entry = check_civil_status_form(form_with({{"commune_naissance", "75056"}}), today, 15);
    ASSERT_FALSE(entry);
    EXPECT_TRUE(entry.error().contains("commune_naissance"));
}

TEST(CivilStatusForm, BirthDateInTheFutureIsRefused) {
    auto entry = check_civil_status_form(form_with({{"possede_nir", "non"}, {"date_naissance", "01/01/2025"}}), today, 15);
    ASSERT_FALSE(entry);
    EXPECT_TRUE(entry.error().contains("date_naissance"));
}

TEST(CivilStatusForm, NamesWithDigitsAreRefused) {
    auto entry = check_civil_status_form(form_with({{"nom_naissance", "Dupont3"}}), today, 15);
    ASSERT_FALSE(entry);
    EXPECT_TRUE(entry.error().contains("nom_naissance"));
}

TEST(CivilStatusForm, JsonRoundTripKeepsEverything) {
    auto entry = check_civil_status_form(form_with({}), today, 15);
    ASSERT_TRUE(entry);
    auto back = civil_status_from_json(to_json(*entry));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->nir, entry->nir);
    EXPECT_EQ(back->commune, "31555");
    EXPECT_EQ(back->birth_date, entry->birth_date);
    EXPECT_EQ(back->postal_code, "31000");
}

TEST(CivilStatusForm, ResidenceInFranceNeedsAPostalCode) {
    auto missing = check_civil_status_form(form_with({{"code_postal", ""}}), today, 15);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().at("code_postal"), "Veuillez saisir le code postal de votre lieu de résidence (5 chiffres).");
    auto unanswered = check_civil_status_form(form_with({{"reside_france", ""}}), today, 15);
    ASSERT_FALSE(unanswered);
    EXPECT_TRUE(unanswered.error().contains("reside_france"));
    auto abroad = check_civil_status_form(form_with({{"reside_france", "non"}, {"code_postal", ""}}), today, 15);
    ASSERT_TRUE(abroad);
    EXPECT_FALSE(abroad->resides_in_france);
}

TEST(ContactForm, MobileHas10DigitsStartingWith06Or07) {
    EXPECT_TRUE(is_mobile_number("0612345678"));
    EXPECT_TRUE(is_mobile_number("0712345678"));
    EXPECT_FALSE(is_mobile_number("0112345678"));
    EXPECT_FALSE(is_mobile_number("061234567"));
}

TEST(ContactForm, PhoneSpacesAndDotsAreIgnored) {
    auto entry = check_contact_form({{"canal", "sms"}, {"telephone", "06.12.34.56.78"}, {"telephone_confirmation", "06 12 34 56 78"}});
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->value, "0612345678");
}

TEST(ContactForm, EmailConfirmationIgnoresCase) {
    EXPECT_TRUE(check_contact_form({{"canal", "email"}, {"email", "A@Example.test"}, {"email_confirmation", "a@example.test"}}));
    EXPECT_FALSE(check_contact_form({{"canal", "email"}, {"email", "not-an-address"}, {"email_confirmation", "not-an-address"}}));
}

}  // namespace
}  // namespace caf::account::creation
