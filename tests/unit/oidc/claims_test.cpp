// ID token claim checks (OIDC Core §3.1.3.7) with an injected "now".
#include "oidc/jose/claims.hpp"

#include <gtest/gtest.h>

namespace caf::oidc::jose {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t now_s = 1'700'000'000;

Expectations expectations() {
    Expectations e;
    e.issuer = "https://app.franceconnect.gouv.fr/api/v2";
    e.audience = "caf-client-id";
    e.nonce = "n-0S6_WzA2Mj";
    e.now = from_unix_seconds(now_s);
    e.leeway = 30s;
    return e;
}

nlohmann::json id_token() {
    return {{"iss", "https://app.franceconnect.gouv.fr/api/v2"},
            {"aud", "caf-client-id"},
            {"sub", "abc"},
            {"exp", now_s + 60},
            {"iat", now_s},
            {"nonce", "n-0S6_WzA2Mj"},
            {"auth_time", now_s - 10}};
}

TEST(Claims, ValidIdTokenPasses) { EXPECT_FALSE(validate_claims(id_token(), expectations())); }

TEST(Claims, WrongIssuerIsRefused) {
    auto claims = id_token();
    claims["iss"] = "https://app.franceconnect.gouv.fr/api/v2/";
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::iss_mismatch);
    claims.erase("iss");
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::iss_mismatch);
}

TEST(Claims, AudienceAsStringMustBeOurClient) {
    auto claims = id_token();
    claims["aud"] = "another-client";
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::aud_mismatch);
    claims.erase("aud");
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::aud_mismatch);
}

TEST(Claims, AudienceAsArrayMustContainOurClient) {
    auto claims = id_token();
    claims["aud"] = {"caf-client-id"};
    EXPECT_FALSE(validate_claims(claims, expectations()));
    claims["aud"] = {"other", "third"};
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::aud_mismatch);
    claims["aud"] = nlohmann::json::array();
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::aud_mismatch);
}

TEST(Claims, SeveralAudiencesRequireAnAzpNamingOurClient) {
    auto claims = id_token();
    claims["aud"] = {"caf-client-id", "other"};
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::azp_missing);
    claims["azp"] = "other";
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::azp_mismatch);
    claims["azp"] = "caf-client-id";
    EXPECT_FALSE(validate_claims(claims, expectations()));
}

TEST(Claims, ExpectedAzpMustBePresentAndEqual) {
    auto expect = expectations();
    expect.azp = "caf-client-id";
    auto claims = id_token();
    EXPECT_EQ(validate_claims(claims, expect), jose_error::azp_missing);
    claims["azp"] = "caf-client-id";
    EXPECT_FALSE(validate_claims(claims, expect));
}

TEST(Claims, ExpiredTokenIsRefusedOnlyBeyondTheLeeway) {
    auto claims = id_token();
    claims["exp"] = now_s - 20;  // expired 20 s ago, leeway 30 s
    EXPECT_FALSE(validate_claims(claims, expectations()));
    claims["exp"] = now_s - 30;
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::expired);
    claims["exp"] = "tomorrow";
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::exp_invalid);
    claims.erase("exp");
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::exp_invalid);
    auto lenient = expectations();
    lenient.require_exp = false;
    EXPECT_FALSE(validate_claims(claims, lenient));
}

TEST(Claims, IssuedInTheFutureIsRefused) {
    auto claims = id_token();
    claims["iat"] = now_s + 25;
    EXPECT_FALSE(validate_claims(claims, expectations()));
    claims["iat"] = now_s + 120;
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::iat_in_future);
    claims.erase("iat");
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::iat_invalid);
}

TEST(Claims, NotBeforeInTheFutureIsRefused) {
    auto claims = id_token();
    claims["nbf"] = now_s + 120;
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::not_yet_valid);
    claims["nbf"] = true;
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::nbf_invalid);
}

TEST(Claims, NonceMismatchIsRefused) {
    auto claims = id_token();
    claims["nonce"] = "n-0S6_WzA2Mk";
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::nonce_mismatch);
    claims.erase("nonce");
    EXPECT_EQ(validate_claims(claims, expectations()), jose_error::nonce_mismatch);
}

TEST(Claims, MaxAgeRequiresARecentAuthTime) {
    auto expect = expectations();
    expect.max_age = 300s;
    auto claims = id_token();
    claims["auth_time"] = now_s - 300;
    EXPECT_FALSE(validate_claims(claims, expect));
    claims["auth_time"] = now_s - 400;
    EXPECT_EQ(validate_claims(claims, expect), jose_error::auth_time_too_old);
    claims.erase("auth_time");
    EXPECT_EQ(validate_claims(claims, expect), jose_error::auth_time_invalid);
}

TEST(Claims, PayloadThatIsNotAnObjectIsRefused) {
    EXPECT_EQ(validate_claims(nlohmann::json::array(), expectations()), jose_error::invalid_claims);
}

}  // namespace
}  // namespace caf::oidc::jose
