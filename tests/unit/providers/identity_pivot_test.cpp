#include "providers/identity_pivot.hpp"

#include <gtest/gtest.h>

namespace caf::providers {
namespace {

nlohmann::json pivot() {
    return {{"given_name", "Angela Claire  Louise"}, {"family_name", "DUBOIS"},
            {"birthdate", "1962-08-24"},             {"gender", "female"},
            {"birthplace", "75107"},                 {"birthcountry", "99100"},
            {"email", "angela@example.fr"},          {"preferred_username", "DURAND"}};
}

std::string failing_field(const nlohmann::json& claims) {
    auto result = person_from_pivot(claims);
    EXPECT_FALSE(result.has_value());
    if (result) return "";
    EXPECT_FALSE(result.error().message.empty());
    return result.error().field;
}

TEST(IdentityPivot, MapsAPersonBornInFrance) {
    auto person = person_from_pivot(pivot());
    ASSERT_TRUE(person.has_value()) << person.error().message;
    EXPECT_EQ(person->civilite, "Madame");
    EXPECT_EQ(person->first_names, "Angela Claire Louise");
    EXPECT_EQ(person->birth_name, "DUBOIS");
    EXPECT_EQ(person->usage_name, "DURAND");
    EXPECT_EQ(person->birth_date, "1962-08-24");
    EXPECT_EQ(person->birth_place, "75107");
    EXPECT_EQ(person->birth_country, "99100");
    EXPECT_FALSE(person->born_abroad());
}

TEST(IdentityPivot, MapsAPersonBornAbroad) {
    auto claims = pivot();
    claims["birthplace"] = "";
    claims["birthcountry"] = "99134";  // Espagne
    claims["gender"] = "male";
    auto person = person_from_pivot(claims);
    ASSERT_TRUE(person.has_value()) << person.error().message;
    EXPECT_TRUE(person->born_abroad());
    EXPECT_EQ(person->birth_place, "");
    EXPECT_EQ(person->birth_country, "99134");
    EXPECT_EQ(person->civilite, "Monsieur");
}

TEST(IdentityPivot, AcceptsCorsicanCodes) {
    for (const char* code : {"2A004", "2B033"}) {
        auto claims = pivot();
        claims["birthplace"] = code;
        auto person = person_from_pivot(claims);
        ASSERT_TRUE(person.has_value()) << code;
        EXPECT_EQ(person->birth_place, code);
    }
    for (const char* code : {"2C004", "2a004", "7510", "751070", "A5107", ""}) {
        auto claims = pivot();
        claims["birthplace"] = code;
        EXPECT_EQ(failing_field(claims), "birthplace") << code;
    }
}

TEST(IdentityPivot, AcceptsPresumedBirthDates) {
    for (const char* date : {"1950-01-01", "1950-06-01"}) {
        auto claims = pivot();
        claims["birthdate"] = date;
        auto person = person_from_pivot(claims);
        ASSERT_TRUE(person.has_value()) << date;
        EXPECT_EQ(person->birth_date, date);
    }
    for (const char* date : {"1950-00-00", "1950-02-30", "24/08/1962", "1962-8-24"}) {
        auto claims = pivot();
        claims["birthdate"] = date;
        EXPECT_EQ(failing_field(claims), "birthdate") << date;
    }
}

TEST(IdentityPivot, RejectsABadGender) {
    for (const nlohmann::json& gender : {nlohmann::json("M"), nlohmann::json("Male"),
                                         nlohmann::json("other"), nlohmann::json(1)}) {
        auto claims = pivot();
        claims["gender"] = gender;
        EXPECT_EQ(failing_field(claims), "gender") << gender.dump();
    }
    auto claims = pivot();
    claims.erase("gender");
    EXPECT_EQ(failing_field(claims), "gender");
}

TEST(IdentityPivot, RejectsBadCountriesAndInconsistentPlaces) {
    auto claims = pivot();
    claims["birthcountry"] = "FR";
    EXPECT_EQ(failing_field(claims), "birthcountry");
    claims["birthcountry"] = "99134";  // abroad but a French commune code
    EXPECT_EQ(failing_field(claims), "birthplace");
    claims["birthcountry"] = "99100";
    claims["birthplace"] = "";  // France without a commune
    EXPECT_EQ(failing_field(claims), "birthplace");
}

TEST(IdentityPivot, RejectsMissingNames) {
    auto claims = pivot();
    claims["given_name"] = "   ";
    EXPECT_EQ(failing_field(claims), "given_name");
    claims = pivot();
    claims.erase("family_name");
    EXPECT_EQ(failing_field(claims), "family_name");
    EXPECT_EQ(failing_field(nlohmann::json::array()), "");
}

}  // namespace
}  // namespace caf::providers
