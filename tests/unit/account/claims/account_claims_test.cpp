// Claims by scope for the provider: profile, email, phone, the NIR only when asked.
#include "login_fixture.hpp"

#include "account/claims/account_claims.hpp"

namespace caf::account::test {
namespace {

TEST_F(LoginTest, ClaimsFollowTheScopes) {
    auto id = add_account({{"nir", jean_nir}, {"password", jean_password}, {"civilite", "Madame"},
                           {"birth_name", "DUPONT"}, {"first_names", "Marie Louise"}, {"usage_name", "MARTIN"},
                           {"birth_date", "1963-06-15"}, {"birth_place", "31555"}, {"email", "marie@example.test"},
                           {"email_verified", true}, {"phone", "0612345678"}, {"phone_verified", false}});
    auto openid = account_claims(*db_, protector_, id, {"openid"}, false);
    ASSERT_TRUE(openid.has_value());
    EXPECT_TRUE(openid->empty()) << openid->dump();

    auto all = account_claims(*db_, protector_, id, {"openid", "profile", "email", "phone"}, false).value();
    EXPECT_EQ(all["given_name"], "Marie Louise");
    EXPECT_EQ(all["family_name"], "DUPONT");
    EXPECT_EQ(all["preferred_username"], "MARTIN");
    EXPECT_EQ(all["birthdate"], "1963-06-15");
    EXPECT_EQ(all["gender"], "female");
    EXPECT_EQ(all["birthplace"], "31555");
    EXPECT_EQ(all["birthcountry"], "99100");
    EXPECT_EQ(all["email"], "marie@example.test");
    EXPECT_EQ(all["email_verified"], true);
    EXPECT_EQ(all["phone_number"], "+33612345678");
    EXPECT_EQ(all["phone_number_verified"], false);
    EXPECT_FALSE(all.contains("caf_nir"));
    EXPECT_FALSE(all.contains("sub"));

    auto email_only = account_claims(*db_, protector_, id, {"openid", "email"}, false).value();
    EXPECT_FALSE(email_only.contains("given_name"));
    EXPECT_FALSE(email_only.contains("phone_number"));

    auto with_nir = account_claims(*db_, protector_, id, {"openid"}, true).value();
    EXPECT_EQ(with_nir["caf_nir"], jean_nir);
}

TEST_F(LoginTest, ClaimsOfAManWithoutUsageNameOrContact) {
    auto id = add_account({{"provisional_id", "P33392250"}, {"password", jean_password}, {"civilite", "Monsieur"},
                           {"birth_name", "MORVAN"}, {"first_names", "Daniel"}, {"birth_date", "1962-09-09"},
                           {"birth_country", "99352"}});
    auto claims = account_claims(*db_, protector_, id, {"openid", "profile", "email", "phone"}, true).value();
    EXPECT_EQ(claims["gender"], "male");
    EXPECT_FALSE(claims.contains("preferred_username"));
    EXPECT_EQ(claims["birthplace"], "");
    EXPECT_EQ(claims["birthcountry"], "99352");
    EXPECT_FALSE(claims.contains("email"));
    EXPECT_FALSE(claims.contains("phone_number"));
    EXPECT_FALSE(claims.contains("caf_nir")) << "a provisional account has no NIR yet";
}

TEST_F(LoginTest, NoClaimsForAMissingOrDisabledAccount) {
    EXPECT_FALSE(account_claims(*db_, protector_, 4242, {"openid", "profile"}, false).has_value());
    auto id = add_jean();
    db_->transaction([&](storage::Connection& c) { storage::Accounts(*db_).set_status(c, id, "disabled", 0); });
    EXPECT_FALSE(account_claims(*db_, protector_, id, {"openid", "profile"}, false).has_value());
    EXPECT_EQ(login(jean_nir, jean_password).status, 400) << "a disabled account cannot log in either";
}

}  // namespace
}  // namespace caf::account::test
