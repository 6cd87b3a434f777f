// NIR parsing: structure, key, Corsica, overseas, born abroad, NIA, spaces and display.
#include "account/identifiers/nir.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace caf::account {
namespace {

// Every NIR here is fictitious; keys were computed with 97 − (number mod 97).

Nir parsed(std::string_view text) {
    auto nir = Nir::parse(text);
    EXPECT_TRUE(nir.has_value()) << text;
    return *nir;
}

NirError error_of(std::string_view text) {
    auto nir = Nir::parse(text);
    EXPECT_FALSE(nir.has_value()) << text;
    return nir ? NirError{} : nir.error();
}

TEST(Nir, ThirteenCharactersWithoutKeyAreAccepted) {
    const Nir nir = parsed("2850575123456");
    EXPECT_EQ(nir.canonical(), "2850575123456");
    EXPECT_EQ(nir.key(), 23);
}

TEST(Nir, KeyIsNinetySevenMinusNumberModNinetySeven) {
    EXPECT_EQ(nir_key("1630631555082"), 51);
    EXPECT_EQ(nir_key("2920392123045"), 85);
}

TEST(Nir, FifteenCharactersWithMatchingKeyAreAccepted) {
    EXPECT_EQ(parsed("285057512345623").canonical(), "2850575123456");
}

TEST(Nir, KeyMismatchIsRefused) {
    EXPECT_EQ(error_of("285057512345624"), NirError::key_mismatch);
    EXPECT_EQ(error_of("285057512345600"), NirError::key_mismatch);
}

TEST(Nir, DisplayFormWithSpacesIsAccepted) {
    const Nir nir = parsed("1 63 06 31 555 082");
    EXPECT_EQ(nir.canonical(), "1630631555082");
    EXPECT_EQ(parsed("1 63 06 31 555 082 51"), nir);
    EXPECT_EQ(parsed("  16306 31555082 "), nir);
}

TEST(Nir, DisplayGroupsAsOnTheCarteVitale) {
    const Nir nir = parsed("1630631555082");
    EXPECT_EQ(nir.display(), "1 63 06 31 555 082");
    EXPECT_EQ(nir.display_with_key(), "1 63 06 31 555 082 51");
}

TEST(Nir, DisplayWithKeyPadsSmallKeysToTwoDigits) {
    // 97 − (n mod 97) below 10 must still show two digits.
    for (int order = 1; order < 200; ++order) {
        // Room for any int: the sanitized build's -Wformat-truncation does not see order < 200.
        char buffer[24];
        std::snprintf(buffer, sizeof buffer, "2850575123%03d", order);
        const Nir nir = parsed(buffer);
        if (nir.key() < 10) {
            const std::string key{'0', static_cast<char>('0' + nir.key())};
            EXPECT_EQ(nir.display_with_key().substr(19), key);
            return;
        }
    }
    FAIL() << "no NIR with a one-digit key found";
}

TEST(Nir, EmptyInputAsksForTheNumber) {
    EXPECT_EQ(error_of(""), NirError::empty);
    EXPECT_EQ(error_of("   "), NirError::empty);
}

TEST(Nir, WrongLengthIsRefused) {
    EXPECT_EQ(error_of("285057512345"), NirError::wrong_length);
    EXPECT_EQ(error_of("28505751234562"), NirError::wrong_length);
    EXPECT_EQ(error_of("2850575123456231"), NirError::wrong_length);
    EXPECT_EQ(error_of(std::string(100000, '1')), NirError::wrong_length);
}

TEST(Nir, LettersOutsideCorsicaAreRefused) {
    EXPECT_EQ(error_of("28505X5123456"), NirError::invalid_character);
    EXPECT_EQ(error_of("2850575123-56"), NirError::invalid_character);
    EXPECT_EQ(error_of("2850575A23456"), NirError::invalid_character);
    EXPECT_EQ(error_of("28505751234AB"), NirError::invalid_character);
}

TEST(Nir, SexDigitMustBeOneTwoSevenOrEight) {
    for (char sex : {'0', '3', '4', '5', '6', '9'}) {
        std::string text = "2850575123456";
        text[0] = sex;
        EXPECT_EQ(error_of(text), NirError::invalid_sex) << text;
    }
    EXPECT_EQ(parsed("1850575123456").sex(), Sex::male);
    EXPECT_EQ(parsed("2850575123456").sex(), Sex::female);
}

TEST(Nir, NiaSevenIsMaleAndEightIsFemale) {
    const Nir seven = parsed("7851299100123 66");
    EXPECT_TRUE(seven.is_nia());
    EXPECT_EQ(seven.sex(), Sex::male);
    const Nir eight = parsed("8850131555123");
    EXPECT_TRUE(eight.is_nia());
    EXPECT_EQ(eight.sex(), Sex::female);
    EXPECT_FALSE(parsed("1850575123456").is_nia());
}

TEST(Nir, MonthsOneToTwelveAreKnown) {
    const Nir nir = parsed("2851275123456");
    EXPECT_EQ(nir.birth_month_code(), 12);
    EXPECT_TRUE(nir.birth_month_known());
}

TEST(Nir, UnknownMonthCodesAreAccepted) {
    for (const char* month : {"20", "30", "35", "42", "50", "75", "99"}) {
        std::string text = std::string{"285"} + month + "75123456";
        const Nir nir = parsed(text);
        EXPECT_FALSE(nir.birth_month_known()) << text;
    }
}

TEST(Nir, MonthsNeverIssuedAreRefused) {
    for (const char* month : {"00", "13", "19", "21", "29", "43", "49"}) {
        std::string text = std::string{"285"} + month + "75123456";
        EXPECT_EQ(error_of(text), NirError::invalid_month) << text;
    }
}

TEST(Nir, DepartementsOneToNinetyFiveAreAccepted) {
    EXPECT_EQ(parsed("2850501123456").departement(), "01");
    EXPECT_EQ(parsed("2850595123456").departement(), "95");
}

TEST(Nir, DepartementsZeroAndNinetySixAreRefused) {
    EXPECT_EQ(error_of("2850500123456"), NirError::invalid_departement);
    EXPECT_EQ(error_of("2850596123456"), NirError::invalid_departement);
}

TEST(Nir, CorsicaKeyUses19For2A) {
    // 1 85 03 2A 004 123: the key is computed on 1 85 03 19 004 123.
    const Nir nir = parsed("185032A004123");
    EXPECT_EQ(nir.departement(), "2A");
    EXPECT_EQ(nir.key(), 24);
    EXPECT_EQ(nir.key(), nir_key("1850319004123"));
}

TEST(Nir, CorsicaKeyUses18For2B) {
    const Nir nir = parsed("185032B033123 54");
    EXPECT_EQ(nir.departement(), "2B");
    EXPECT_EQ(nir.key(), nir_key("1850318033123"));
}

TEST(Nir, LowerCaseCorsicaIsCanonicalisedToUpperCase) {
    EXPECT_EQ(parsed("1 85 03 2a 004 123").canonical(), "185032A004123");
    EXPECT_EQ(parsed("1 85 03 2b 033 123").display(), "1 85 03 2B 033 123");
}

TEST(Nir, CorsicaKeyWrittenForTwentyIsRefused) {
    // The 2A key is not the key of the same digits with "20".
    ASSERT_NE(nir_key("1850320004123"), 24);
    EXPECT_EQ(error_of("185032A004123" + std::to_string(nir_key("1850320004123"))),
              NirError::key_mismatch);
}

TEST(Nir, OverseasDepartementHasThreeDigitsAndCommuneTwo) {
    const Nir nir = parsed("1850397101123 52");
    EXPECT_EQ(nir.departement(), "971");
    EXPECT_EQ(nir.commune_or_country(), "01");
    EXPECT_FALSE(nir.born_abroad());
    EXPECT_EQ(parsed("2850398801123 24").departement(), "988");
}

TEST(Nir, BornAbroadHasNinetyNineAndACountryCode) {
    const Nir nir = parsed("1851299100123 75");
    EXPECT_TRUE(nir.born_abroad());
    EXPECT_EQ(nir.departement(), "99");
    EXPECT_EQ(nir.commune_or_country(), "100");
}

TEST(Nir, ZeroCommuneOrCountryIsRefused) {
    EXPECT_EQ(error_of("2850575000456"), NirError::invalid_commune);
    EXPECT_EQ(error_of("2850599000456"), NirError::invalid_commune);
    EXPECT_EQ(error_of("2850397100456"), NirError::invalid_commune);
}

TEST(Nir, ZeroOrderNumberIsRefused) {
    EXPECT_EQ(error_of("2850575123000"), NirError::invalid_order);
}

TEST(Nir, YearIsTheTwoDigitsAfterTheSexDigit) {
    EXPECT_EQ(parsed("2004095001001").birth_year(), 0);
    EXPECT_EQ(parsed("1630631555082").birth_year(), 63);
}

TEST(Nir, EveryErrorHasAFrenchMessage) {
    for (auto e : {NirError::empty, NirError::wrong_length, NirError::invalid_character,
                   NirError::invalid_sex, NirError::invalid_month, NirError::invalid_departement,
                   NirError::invalid_commune, NirError::invalid_order, NirError::key_mismatch}) {
        EXPECT_NE(message(e).find("Sécurité sociale"), std::string_view::npos);
    }
    EXPECT_EQ(message(NirError::wrong_length),
              "Le numéro de Sécurité sociale doit comporter 13 caractères (15 avec la clé).");
}

TEST(Nir, MessagesNeverEchoTheInput) {
    auto nir = Nir::parse("2850575123456 24");
    ASSERT_FALSE(nir);
    EXPECT_EQ(message(nir.error()).find("2850575"), std::string_view::npos);
}

}  // namespace
}  // namespace caf::account
