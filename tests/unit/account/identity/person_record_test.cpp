// The stored état civil and the normalised identity pivot used to match FranceConnect identities.
#include "account/identity/person_record.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace caf::account;

TEST(NormaliseName, FoldsCaseAccentsHyphensApostrophesAndSpaces) {
    EXPECT_EQ(normalise_name("d'Artagnan-Léger "), "D ARTAGNAN LEGER");
    EXPECT_EQ(normalise_name("Éloïse-Marie  Zoé"), "ELOISE MARIE ZOE");
    EXPECT_EQ(normalise_name("Cœur’Ÿves"), "COEUR YVES");
    EXPECT_EQ(normalise_name("  ÇA   "), "CA");
}

TEST(PivotKey, SameIdentityWrittenDifferentlyGivesSameKey) {
    PersonRecord a{"Madame", "D'ARTAGNAN-LÉGER", "Éloïse Marie", "", "1980-02-29", "75056", "99100"};
    PersonRecord b{"Madame", "d artagnan leger", "ELOISE-MARIE", "Martin", "1980-02-29", "75056", "99100"};
    EXPECT_EQ(pivot_key(a), pivot_key(b));
}

TEST(PivotKey, BirthPlaceIsNotComparedForPeopleBornAbroad) {
    PersonRecord a{"Monsieur", "NGUYEN", "Minh", "", "1975-01-01", "", "99243"};
    PersonRecord b = a;
    b.birth_place = "ignored";
    EXPECT_EQ(pivot_key(a), pivot_key(b));
    b.birth_country = "99100";
    EXPECT_NE(pivot_key(a), pivot_key(b));
}

TEST(PivotKey, SexAndBirthDateDistinguish) {
    PersonRecord a{"Monsieur", "MARTIN", "Paul", "", "1990-05-04", "69123", "99100"};
    PersonRecord b = a;
    b.civilite = "Madame";
    EXPECT_NE(pivot_key(a), pivot_key(b));
    b = a;
    b.birth_date = "1990-05-05";
    EXPECT_NE(pivot_key(a), pivot_key(b));
}

TEST(PersonRecord, JsonRoundTripAndValidation) {
    PersonRecord p{"Madame", "TADJ", "Zohra", "", "1985-11-30", "2A004", "99100"};
    EXPECT_EQ(pivot_key(person_from_json(to_json(p)).value()), pivot_key(p));
    auto j = to_json(p);
    j["civilite"] = "Mme";
    EXPECT_FALSE(person_from_json(j).has_value());
    j = to_json(p);
    j["birth_date"] = "1985-02-30";
    EXPECT_FALSE(person_from_json(j).has_value());
    j = to_json(p);
    j["birth_place"] = "";
    EXPECT_EQ(person_from_json(j).error(), "birth_place must be an INSEE commune code when born in France");
}
