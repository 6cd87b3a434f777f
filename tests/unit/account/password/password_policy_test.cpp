// The password rule of SPEC.md §2, item by item.
#include "account/password/password_policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace caf::account {
namespace {

using Rules = std::vector<PasswordRule>;

// A valid-looking password of exactly `length` characters ("Ab1xxx...").
std::string password_of_length(std::size_t length) {
    std::string out{"Ab1"};
    out.append(length - 3, 'x');
    return out;
}

TEST(PasswordPolicy, TenCharactersWithDigitLowerAndUpperAreAccepted) {
    EXPECT_TRUE(check_new_password("Abcdefgh12").empty());
}

TEST(PasswordPolicy, SixtyFourCharactersAreAccepted) {
    EXPECT_TRUE(check_new_password(password_of_length(64)).empty());
}

TEST(PasswordPolicy, NineCharactersFailOnlyTheLength) {
    EXPECT_EQ(check_new_password("Abcdefg12"), Rules{PasswordRule::length});
}

TEST(PasswordPolicy, SixtyFiveCharactersFailOnlyTheLength) {
    EXPECT_EQ(check_new_password(password_of_length(65)), Rules{PasswordRule::length});
}

TEST(PasswordPolicy, MissingDigitFailsOnlyTheDigit) {
    EXPECT_EQ(check_new_password("Abcdefghij"), Rules{PasswordRule::digit});
}

TEST(PasswordPolicy, MissingLowerCaseFailsOnlyTheLowerCase) {
    EXPECT_EQ(check_new_password("ABCDEFGH12"), Rules{PasswordRule::lower_case});
}

TEST(PasswordPolicy, MissingUpperCaseFailsOnlyTheUpperCase) {
    EXPECT_EQ(check_new_password("abcdefgh12"), Rules{PasswordRule::upper_case});
}

TEST(PasswordPolicy, SpecialCharactersSpacesAndAccentsFailTheCharset) {
    EXPECT_EQ(check_new_password("Abcdefgh12!"), Rules{PasswordRule::letters_and_digits_only});
    EXPECT_EQ(check_new_password("Abcd efgh12"), Rules{PasswordRule::letters_and_digits_only});
    EXPECT_EQ(check_new_password("Abcdéfgh12"), Rules{PasswordRule::letters_and_digits_only});
}

TEST(PasswordPolicy, AccentedLettersCountAsOneCharacterForTheLength) {
    // 10 characters, 11 bytes: only the charset item fails.
    EXPECT_EQ(check_new_password("Abcdéfgh12"), Rules{PasswordRule::letters_and_digits_only});
    EXPECT_EQ(check_new_password("Abcdéfgh1"),
              (Rules{PasswordRule::length, PasswordRule::letters_and_digits_only}));
}

TEST(PasswordPolicy, EveryFailingItemIsReportedInChecklistOrder) {
    EXPECT_EQ(check_new_password(""), (Rules{PasswordRule::length, PasswordRule::digit,
                                             PasswordRule::lower_case, PasswordRule::upper_case}));
    EXPECT_EQ(check_new_password("12345678"),
              (Rules{PasswordRule::length, PasswordRule::lower_case, PasswordRule::upper_case}));
    EXPECT_EQ(check_new_password("mot de passe"),
              (Rules{PasswordRule::digit, PasswordRule::upper_case,
                     PasswordRule::letters_and_digits_only}));
}

TEST(PasswordPolicy, ChecklistLabelsAreTheFormsWording) {
    EXPECT_EQ(label(PasswordRule::length), "10 à 64 caractères");
    EXPECT_EQ(label(PasswordRule::digit), "1 chiffre");
    EXPECT_EQ(label(PasswordRule::lower_case), "1 lettre minuscule");
    EXPECT_EQ(label(PasswordRule::upper_case), "1 lettre majuscule");
    EXPECT_EQ(label(PasswordRule::letters_and_digits_only), "chiffres et lettres uniquement");
    EXPECT_EQ(message(PasswordRule::digit), "Le mot de passe doit contenir au moins 1 chiffre.");
}

TEST(PasswordPolicy, ConfirmationMustMatch) {
    EXPECT_FALSE(check_confirmation("Abcdefgh12", "Abcdefgh12"));
    const auto mismatch = check_confirmation("Abcdefgh12", "Abcdefgh13");
    ASSERT_TRUE(mismatch);
    EXPECT_NE(mismatch->find("ne sont pas identiques"), std::string_view::npos);
}

TEST(PasswordPolicy, NewPasswordErrorsGiveTheItemsBeforeTheConfirmation) {
    EXPECT_TRUE(new_password_errors("Abcdefgh12", "Abcdefgh12").empty());
    const auto items = new_password_errors("abc", "other");
    ASSERT_EQ(items.size(), 3u);  // length, digit, upper case; the mismatch waits for a valid password
    EXPECT_EQ(items[0], message(PasswordRule::length));
    EXPECT_EQ(items[1], message(PasswordRule::digit));
    EXPECT_EQ(items[2], message(PasswordRule::upper_case));
    const auto mismatch = new_password_errors("Abcdefgh12", "Abcdefgh13");
    ASSERT_EQ(mismatch.size(), 1u);
    EXPECT_NE(mismatch[0].find("ne sont pas identiques"), std::string::npos);
}

TEST(PasswordPolicy, LoginAcceptsLegacyEightDigitPasswords) {
    EXPECT_TRUE(acceptable_for_login("12345678"));
}

TEST(PasswordPolicy, LoginAcceptsOldRulePasswordsWithSpecialCharacters) {
    EXPECT_TRUE(acceptable_for_login("ancien-mot*de&passe24car"));
}

TEST(PasswordPolicy, LoginRefusesTooShortAndHugePasswords) {
    EXPECT_FALSE(acceptable_for_login(""));
    EXPECT_FALSE(acceptable_for_login("1234567"));
    EXPECT_TRUE(acceptable_for_login(std::string(login_password_max_bytes, 'a')));
    EXPECT_FALSE(acceptable_for_login(std::string(login_password_max_bytes + 1, 'a')));
    EXPECT_FALSE(acceptable_for_login(std::string(1 << 20, 'a')));
}

}  // namespace
}  // namespace caf::account
