// Agreement of the NIR with the état civil of the creation form (SPEC.md §4).
#include "account/identifiers/nir_agreement.hpp"

#include <gtest/gtest.h>

namespace caf::account {
namespace {

using namespace std::chrono;

Nir nir(std::string_view text) { return *Nir::parse(text); }

// A woman born in May 1985 in a commune of département 75.
CivilStatus matching_civil_status() {
    CivilStatus cs;
    cs.civility = Civility::madame;
    cs.birth_date = year{1985} / May / 14;
    cs.birth_place.commune_code = "75112";
    return cs;
}

TEST(NirAgreement, MatchingCivilStatusAgrees) {
    EXPECT_TRUE(check_agreement(nir("2850575123456"), matching_civil_status()).empty());
}

TEST(NirAgreement, SexDigitMustMatchCivility) {
    CivilStatus cs = matching_civil_status();
    cs.civility = Civility::monsieur;
    const auto result = check_agreement(nir("2850575123456"), cs);
    ASSERT_EQ(result, std::vector{NirDisagreement::civility});
    EXPECT_EQ(field_of(result[0]), CivilStatusField::civility);
    EXPECT_TRUE(check_agreement(nir("1850575123456"), cs).empty());
}

TEST(NirAgreement, NiaSexDigitsFollowTheSameRule) {
    CivilStatus cs = matching_civil_status();
    EXPECT_TRUE(check_agreement(nir("8850575123456"), cs).empty());
    cs.civility = Civility::monsieur;
    EXPECT_TRUE(check_agreement(nir("7850575123456"), cs).empty());
    EXPECT_EQ(check_agreement(nir("8850575123456"), cs), std::vector{NirDisagreement::civility});
}

TEST(NirAgreement, YearMustMatchBirthDate) {
    CivilStatus cs = matching_civil_status();
    cs.birth_date = year{1986} / May / 14;
    const auto result = check_agreement(nir("2850575123456"), cs);
    ASSERT_EQ(result, std::vector{NirDisagreement::birth_year});
    EXPECT_EQ(field_of(result[0]), CivilStatusField::birth_date);
}

TEST(NirAgreement, YearComparesTheLastTwoDigitsAcrossCenturies) {
    CivilStatus cs = matching_civil_status();
    cs.birth_date = year{2000} / April / 1;
    cs.birth_place.commune_code = "95001";
    EXPECT_TRUE(check_agreement(nir("2004095001001"), cs).empty());
}

TEST(NirAgreement, MonthMustMatchBirthDate) {
    CivilStatus cs = matching_civil_status();
    cs.birth_date = year{1985} / June / 14;
    const auto result = check_agreement(nir("2850575123456"), cs);
    ASSERT_EQ(result, std::vector{NirDisagreement::birth_month});
    EXPECT_EQ(field_of(result[0]), CivilStatusField::birth_date);
}

TEST(NirAgreement, UnknownMonthCodeAgreesWithAnyMonth) {
    CivilStatus cs = matching_civil_status();
    for (const char* text : {"2852075123456", "2853475123456", "2855075123456", "2859975123456"}) {
        EXPECT_TRUE(check_agreement(nir(text), cs).empty()) << text;
    }
}

TEST(NirAgreement, DepartementMustMatchBirthCommune) {
    CivilStatus cs = matching_civil_status();
    cs.birth_place.commune_code = "31555";
    const auto result = check_agreement(nir("2850575123456"), cs);
    ASSERT_EQ(result, std::vector{NirDisagreement::birth_place});
    EXPECT_EQ(field_of(result[0]), CivilStatusField::birth_place);
}

TEST(NirAgreement, CorsicanCommuneMatches2Aor2B) {
    CivilStatus cs = matching_civil_status();
    cs.civility = Civility::monsieur;
    cs.birth_date = year{1985} / March / 2;
    cs.birth_place.commune_code = "2A004";
    EXPECT_TRUE(check_agreement(nir("185032A004123"), cs).empty());
    cs.birth_place.commune_code = "2b033";
    EXPECT_EQ(check_agreement(nir("185032A004123"), cs), std::vector{NirDisagreement::birth_place});
    EXPECT_TRUE(check_agreement(nir("185032B033123"), cs).empty());
}

TEST(NirAgreement, CorsicaBefore1976KeptTwentyInTheNir) {
    CivilStatus cs = matching_civil_status();
    cs.civility = Civility::monsieur;
    cs.birth_date = year{1955} / March / 2;
    cs.birth_place.commune_code = "2A004";
    EXPECT_TRUE(check_agreement(nir("1550320004123"), cs).empty());
}

TEST(NirAgreement, OverseasDepartementUsesThreeDigits) {
    CivilStatus cs = matching_civil_status();
    cs.civility = Civility::monsieur;
    cs.birth_date = year{1985} / March / 2;
    cs.birth_place.commune_code = "97101";
    EXPECT_TRUE(check_agreement(nir("1850397101123"), cs).empty());
    cs.birth_place.commune_code = "97209";
    EXPECT_EQ(check_agreement(nir("1850397101123"), cs), std::vector{NirDisagreement::birth_place});
}

TEST(NirAgreement, BornAbroadNeedsNinetyNine) {
    CivilStatus cs = matching_civil_status();
    cs.civility = Civility::monsieur;
    cs.birth_date = year{1985} / December / 2;
    cs.birth_place = BirthPlace{true, "", "99100"};
    EXPECT_TRUE(check_agreement(nir("1851299100123"), cs).empty());
    cs.birth_place = BirthPlace{true, "", ""};
    EXPECT_TRUE(check_agreement(nir("1851299100123"), cs).empty());
    // Born abroad per the form but in France per the NIR, and the reverse.
    EXPECT_EQ(check_agreement(nir("1851275123456"), cs), std::vector{NirDisagreement::birth_place});
    cs.birth_place = BirthPlace{false, "75112", ""};
    EXPECT_EQ(check_agreement(nir("1851299100123"), cs), std::vector{NirDisagreement::birth_place});
}

TEST(NirAgreement, BornAbroadCountryCodeMustMatchWhenGiven) {
    CivilStatus cs = matching_civil_status();
    cs.civility = Civility::monsieur;
    cs.birth_date = year{1985} / December / 2;
    cs.birth_place = BirthPlace{true, "", "99350"};
    EXPECT_EQ(check_agreement(nir("1851299100123"), cs), std::vector{NirDisagreement::birth_place});
}

TEST(NirAgreement, EveryDisagreementIsReported) {
    CivilStatus cs;
    cs.civility = Civility::monsieur;
    cs.birth_date = year{1990} / January / 1;
    cs.birth_place.commune_code = "13055";
    EXPECT_EQ(check_agreement(nir("2850575123456"), cs),
              (std::vector{NirDisagreement::civility, NirDisagreement::birth_year,
                           NirDisagreement::birth_month, NirDisagreement::birth_place}));
}

TEST(NirAgreement, EachDisagreementHasAFrenchMessageForItsField) {
    EXPECT_EQ(message(NirDisagreement::civility),
              "La civilité ne correspond pas à votre numéro de Sécurité sociale (1er chiffre).");
    for (auto d : {NirDisagreement::birth_year, NirDisagreement::birth_month,
                   NirDisagreement::birth_place}) {
        EXPECT_NE(message(d).find("ne correspond pas"), std::string_view::npos);
    }
}

}  // namespace
}  // namespace caf::account
