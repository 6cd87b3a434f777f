// Masked contact data, as the recovery page shows the channels known for an account.
#include "account/personal_data/contact_masking.hpp"

#include <gtest/gtest.h>

namespace caf::account {
namespace {

TEST(ContactMasking, EmailKeepsFirstLettersAndTopLevelDomain) {
    EXPECT_EQ(mask_email("jean.dupont@example.fr"), "j***@e***.fr");
    EXPECT_EQ(mask_email("z@mail.example.com"), "z***@m***.com");
}

TEST(ContactMasking, EmailFirstLetterStaysWholeInUtf8) {
    EXPECT_EQ(mask_email("élodie@exemple.fr"), "é***@e***.fr");
}

TEST(ContactMasking, NotAnEmailIsFullyMasked) {
    EXPECT_EQ(mask_email(""), "***");
    EXPECT_EQ(mask_email("jean.dupont"), "***");
    EXPECT_EQ(mask_email("@example.fr"), "***");
    EXPECT_EQ(mask_email("jean@localhost"), "***");
}

TEST(ContactMasking, MobilePhoneKeepsFirstAndLastTwoDigits) {
    EXPECT_EQ(mask_phone("0612345678"), "06 ** ** ** 78");
    EXPECT_EQ(mask_phone("07 12 34 56 78"), "07 ** ** ** 78");
}

TEST(ContactMasking, InternationalFrenchNumberIsShownNationally) {
    EXPECT_EQ(mask_phone("+33 6 12 34 56 78"), "06 ** ** ** 78");
    EXPECT_EQ(mask_phone("0033612345678"), "06 ** ** ** 78");
}

TEST(ContactMasking, OtherNumbersKeepOnlyTheLastTwoDigits) {
    EXPECT_EQ(mask_phone("+44 7700 900123"), "** 23");
    EXPECT_EQ(mask_phone("12"), "**");
}

}  // namespace
}  // namespace caf::account
