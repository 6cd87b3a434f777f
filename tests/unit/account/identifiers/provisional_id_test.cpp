// Provisional identifiers: "P" + 8 digits, parsed leniently, generated at random.
#include "account/identifiers/provisional_id.hpp"

#include <gtest/gtest.h>

#include <set>

#include "fake_random.hpp"

namespace caf::account {
namespace {

TEST(ProvisionalId, PFollowedByEightDigitsIsAccepted) {
    auto id = ProvisionalId::parse("P33392250");
    ASSERT_TRUE(id);
    EXPECT_EQ(id->str(), "P33392250");
}

TEST(ProvisionalId, LowerCasePAndSpacesAreAccepted) {
    auto id = ProvisionalId::parse("  p 3339 2250 ");
    ASSERT_TRUE(id);
    EXPECT_EQ(id->str(), "P33392250");
}

TEST(ProvisionalId, EmptyInputAsksForTheIdentifier) {
    auto id = ProvisionalId::parse("  ");
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error(), ProvisionalIdError::empty);
}

TEST(ProvisionalId, AnythingElseIsRefusedWithTheExpectedFormat) {
    for (const char* text : {"P3339225", "P333922501", "Q33392250", "33392250", "P3339225O",
                             "PP3339225", "P-33392250"}) {
        auto id = ProvisionalId::parse(text);
        ASSERT_FALSE(id) << text;
        EXPECT_EQ(id.error(), ProvisionalIdError::wrong_format) << text;
    }
    EXPECT_EQ(message(ProvisionalIdError::wrong_format),
              "L'identifiant provisoire commence par la lettre P suivie de 8 chiffres (exemple : "
              "P33392250).");
}

TEST(ProvisionalId, GeneratedIdsParseBack) {
    test::FakeRandom random;
    for (int i = 0; i < 100; ++i) {
        const ProvisionalId id = ProvisionalId::generate(random);
        auto back = ProvisionalId::parse(id.str());
        ASSERT_TRUE(back) << id.str();
        EXPECT_EQ(*back, id);
    }
}

TEST(ProvisionalId, GeneratedIdsAreRandomNotSequential) {
    test::FakeRandom random;
    std::set<std::string> seen;
    long long previous = -1;
    int consecutive = 0;
    for (int i = 0; i < 200; ++i) {
        const std::string id = ProvisionalId::generate(random).str();
        seen.insert(id);
        const long long n = std::stoll(id.substr(1));
        if (n == previous + 1) ++consecutive;
        previous = n;
    }
    EXPECT_EQ(seen.size(), 200u);
    EXPECT_EQ(consecutive, 0);
}

}  // namespace
}  // namespace caf::account
