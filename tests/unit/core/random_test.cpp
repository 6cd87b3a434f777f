// Token and code generation over the injected randomness.
#include "core/random.hpp"

#include <gtest/gtest.h>

#include <set>

TEST(Random, TokensAreUrlSafeAndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto token = caf::random_token(caf::system_random(), 32);
        EXPECT_EQ(token.size(), 43u);
        EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        seen.insert(token);
    }
    EXPECT_EQ(seen.size(), 100u);
}

TEST(Random, DigitsUseEveryDigitRoughlyEvenly) {
    std::array<int, 10> counts{};
    auto digits = caf::random_digits(caf::system_random(), 10000);
    ASSERT_EQ(digits.size(), 10000u);
    for (char c : digits) counts[c - '0']++;
    for (int n : counts) {
        EXPECT_GT(n, 800);
        EXPECT_LT(n, 1200);
    }
}
