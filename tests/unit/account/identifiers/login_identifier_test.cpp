// The login form's identifier: a NIR or a provisional identifier.
#include "account/identifiers/login_identifier.hpp"

#include <gtest/gtest.h>

namespace caf::account {
namespace {

TEST(LoginIdentifier, DigitsAreReadAsANir) {
    auto id = parse_login_identifier("1 63 06 31 555 082");
    ASSERT_TRUE(id);
    ASSERT_TRUE(std::holds_alternative<Nir>(*id));
    EXPECT_EQ(canonical(*id), "1630631555082");
}

TEST(LoginIdentifier, LeadingPIsReadAsAProvisionalId) {
    auto id = parse_login_identifier(" p33392250");
    ASSERT_TRUE(id);
    ASSERT_TRUE(std::holds_alternative<ProvisionalId>(*id));
    EXPECT_EQ(canonical(*id), "P33392250");
}

TEST(LoginIdentifier, MalformedNirGivesTheNirError) {
    auto id = parse_login_identifier("1 63 06 31 555");
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error(), LoginIdentifierError{NirError::wrong_length});
    EXPECT_EQ(message(id.error()), message(NirError::wrong_length));
}

TEST(LoginIdentifier, MalformedProvisionalIdGivesItsError) {
    auto id = parse_login_identifier("P123");
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error(), LoginIdentifierError{ProvisionalIdError::wrong_format});
}

TEST(LoginIdentifier, EmptyInputAsksForTheNir) {
    auto id = parse_login_identifier("");
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error(), LoginIdentifierError{NirError::empty});
}

}  // namespace
}  // namespace caf::account
