#include "providers/callback_validation.hpp"

#include "oidc/jose/jws.hpp"
#include "oidc/keys/private_key.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include <memory>

namespace caf::providers {
namespace {

namespace jose = oidc::jose;
using jose::Algorithm;
using namespace std::chrono_literals;

const std::string kIssuer = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2";
const std::string kClient = "caf-connect-client";
const std::string kNonce = std::string(64, 'a');
const std::string kSub = std::string(64, 'f') + "v1";
const TimePoint kNow{std::chrono::seconds{1'700'000'000}};

long long at(std::chrono::seconds offset) {
    return std::chrono::duration_cast<std::chrono::seconds>((kNow + offset).time_since_epoch())
        .count();
}

struct Keypair {
    jose::SigningKey signing;
    jose::Jwk jwk;
};

Keypair make_key(Algorithm alg, const std::string& kid) {
    jose::shared_pkey key = jose::share(oidc::keys::generate_private_key(alg));
    auto jwk = jose::Jwk::from_key(key.get());
    EXPECT_TRUE(jwk.has_value());
    jwk->set_kid(kid).set_use("sig").set_alg(alg);
    return {jose::SigningKey{kid, key}, *jwk};
}

std::string public_pem(EVP_PKEY* key) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PUBKEY(bio.get(), key);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

class CallbackValidationTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        es = new Keypair(make_key(Algorithm::ES256, "es-1"));
        rsa = new Keypair(make_key(Algorithm::RS256, "rs-1"));
        other = new Keypair(make_key(Algorithm::ES256, "es-1"));  // same kid, other key
    }
    static void TearDownTestSuite() {
        delete es;
        delete rsa;
        delete other;
    }
    static inline Keypair* es = nullptr;
    static inline Keypair* rsa = nullptr;
    static inline Keypair* other = nullptr;

    jose::JwkSet jwks() const { return jose::JwkSet({es->jwk, rsa->jwk}); }

    ExpectedAuthorization expect() const {
        ExpectedAuthorization e;
        e.issuer = kIssuer;
        e.client_id = kClient;
        e.nonce = kNonce;
        e.minimum_acr = "eidas1";
        e.allowed_algorithms = {Algorithm::ES256, Algorithm::RS256};
        e.max_clock_skew = 30s;
        return e;
    }

    static nlohmann::json id_claims() {
        return {{"iss", kIssuer},    {"aud", kClient},     {"sub", kSub},
                {"exp", at(60s)},    {"iat", at(-5s)},     {"nonce", kNonce},
                {"acr", "eidas1"},   {"amr", {"pwd"}},     {"idp_acr", "eidas1"}};
    }
    static nlohmann::json userinfo_claims() {
        return {{"iss", kIssuer},         {"aud", kClient},          {"sub", kSub},
                {"given_name", "Angela Claire Louise"}, {"family_name", "DUBOIS"},
                {"birthdate", "1962-08-24"}, {"gender", "female"},
                {"birthplace", "75107"},   {"birthcountry", "99100"}};
    }

    static std::string sign(const nlohmann::json& claims, const jose::SigningKey& key,
                            Algorithm alg, nlohmann::json header = {{"typ", "JWT"}}) {
        auto token = jose::sign(std::move(header), claims.dump(), key, alg);
        EXPECT_TRUE(token.has_value());
        return *token;
    }
    static std::string sign(const nlohmann::json& claims) {
        return sign(claims, es->signing, Algorithm::ES256);
    }
    static UserinfoResponse jwt_userinfo(const nlohmann::json& claims) {
        return {"application/jwt; charset=utf-8", sign(claims)};
    }

    CallbackErrorReason id_token_failure(const std::string& token) const {
        auto result = validate_id_token(expect(), jwks(), token, kNow);
        EXPECT_FALSE(result.has_value());
        if (result) return CallbackErrorReason::configuration;
        EXPECT_FALSE(result.error().message.empty());
        return result.error().reason;
    }
};

std::string b64url(std::string_view text) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (unsigned char c : text) {
        value = (value << 8) | c;
        bits += 8;
        while (bits >= 6) {
            out.push_back(alphabet[(value >> (bits - 6)) & 0x3f]);
            bits -= 6;
        }
    }
    if (bits > 0) out.push_back(alphabet[(value << (6 - bits)) & 0x3f]);
    return out;
}

TEST_F(CallbackValidationTest, AcceptsAValidIdTokenAndSignedUserinfo) {
    auto result = validate_callback(expect(), jwks(), sign(id_claims()),
                                    jwt_userinfo(userinfo_claims()), kNow);
    ASSERT_TRUE(result.has_value()) << result.error().message;
    EXPECT_EQ(result->sub, kSub);
    EXPECT_EQ(result->acr, "eidas1");
    EXPECT_EQ(result->amr, std::vector<std::string>{"pwd"});
    EXPECT_EQ(result->claims["family_name"], "DUBOIS");
}

TEST_F(CallbackValidationTest, AcceptsRs256AndAHigherAcr) {
    auto claims = id_claims();
    claims["acr"] = "eidas2";
    auto result = validate_id_token(expect(), jwks(),
                                    sign(claims, rsa->signing, Algorithm::RS256), kNow);
    ASSERT_TRUE(result.has_value()) << result.error().message;
    EXPECT_EQ(result->acr, "eidas2");
}

TEST_F(CallbackValidationTest, RejectsWrongIssuer) {
    auto claims = id_claims();
    claims["iss"] = kIssuer + "/";
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::issuer_mismatch);
}

TEST_F(CallbackValidationTest, RejectsWrongAudience) {
    auto claims = id_claims();
    claims["aud"] = "another-client";
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::audience_mismatch);
}

TEST_F(CallbackValidationTest, RejectsSeveralAudiencesWithoutOurAzp) {
    auto claims = id_claims();
    claims["aud"] = {kClient, "another-client"};
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::audience_mismatch);
    claims["azp"] = "another-client";
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::audience_mismatch);
    claims["azp"] = kClient;
    EXPECT_TRUE(validate_id_token(expect(), jwks(), sign(claims), kNow).has_value());
}

TEST_F(CallbackValidationTest, RejectsABadSignature) {
    // Signed by another key announcing the same kid.
    EXPECT_EQ(id_token_failure(sign(id_claims(), other->signing, Algorithm::ES256)),
              CallbackErrorReason::bad_signature);
    // A tampered payload under a genuine signature.
    const std::string good = sign(id_claims());
    const auto first = good.find('.');
    const auto second = good.find('.', first + 1);
    auto tampered_claims = id_claims();
    tampered_claims["sub"] = "attacker";
    const std::string tampered =
        good.substr(0, first + 1) + b64url(tampered_claims.dump()) + good.substr(second);
    EXPECT_EQ(id_token_failure(tampered), CallbackErrorReason::bad_signature);
}

TEST_F(CallbackValidationTest, RejectsUnknownKid) {
    auto stranger = make_key(Algorithm::ES256, "rotated-2");
    EXPECT_EQ(id_token_failure(sign(id_claims(), stranger.signing, Algorithm::ES256)),
              CallbackErrorReason::unknown_key);
}

TEST_F(CallbackValidationTest, RejectsAlgNone) {
    const std::string header = b64url(R"({"alg":"none","typ":"JWT","kid":"es-1"})");
    const std::string token = header + "." + b64url(id_claims().dump()) + ".";
    // An empty signature is refused as malformed before the header is even considered...
    const auto empty_reason = id_token_failure(token);
    EXPECT_TRUE(empty_reason == CallbackErrorReason::algorithm_not_allowed ||
                empty_reason == CallbackErrorReason::malformed_token);
    // ...and with a signature segment, "none" itself is refused.
    EXPECT_EQ(id_token_failure(token + b64url("sig")), CallbackErrorReason::algorithm_not_allowed);
    const std::string upper = b64url(R"({"alg":"NONE","typ":"JWT"})") + "." +
                              b64url(id_claims().dump()) + ".";
    const auto upper_reason = id_token_failure(upper);  // not an algorithm name at all
    EXPECT_TRUE(upper_reason == CallbackErrorReason::algorithm_not_allowed ||
                upper_reason == CallbackErrorReason::malformed_token);
}

TEST_F(CallbackValidationTest, RejectsHs256KeyedWithTheRsaPublicKey) {
    const jose::SigningKey forged{"rs-1", jose::Secret{public_pem(rsa->jwk.public_key())}};
    const std::string token = sign(id_claims(), forged, Algorithm::HS256);
    EXPECT_EQ(id_token_failure(token), CallbackErrorReason::algorithm_not_allowed);

    // Even a misconfigured v2 allow-list naming HS256 is refused as a configuration error.
    auto e = expect();
    e.allowed_algorithms.push_back(Algorithm::HS256);
    auto result = validate_id_token(e, jwks(), token, kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::configuration);
}

TEST_F(CallbackValidationTest, V1ProfileAcceptsHs256WithTheClientSecretOnly) {
    auto e = expect();
    e.profile = ProviderProfile::franceconnect_v1;
    e.allowed_algorithms = {Algorithm::HS256};
    e.client_secret = std::string(48, 's');
    e.userinfo_signed = false;
    const jose::SigningKey secret{"", jose::Secret{e.client_secret}};
    auto ok = validate_callback(e, jwks(), sign(id_claims(), secret, Algorithm::HS256),
                                {"application/json", userinfo_claims().dump()}, kNow);
    ASSERT_TRUE(ok.has_value()) << ok.error().message;

    // The RSA public key used as the secret does not pass under v1 either.
    const jose::SigningKey forged{"", jose::Secret{public_pem(rsa->jwk.public_key())}};
    auto bad = validate_id_token(e, jwks(), sign(id_claims(), forged, Algorithm::HS256), kNow);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().reason, CallbackErrorReason::bad_signature);
    // Nor does an ES256 token, outside the v1 allow-list.
    auto es256 = validate_id_token(e, jwks(), sign(id_claims()), kNow);
    ASSERT_FALSE(es256.has_value());
    EXPECT_EQ(es256.error().reason, CallbackErrorReason::algorithm_not_allowed);
}

TEST_F(CallbackValidationTest, RejectsAlgorithmOutsideTheAllowList) {
    auto e = expect();
    e.allowed_algorithms = {Algorithm::ES256};
    auto result = validate_id_token(e, jwks(), sign(id_claims(), rsa->signing, Algorithm::RS256),
                                    kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::algorithm_not_allowed);
}

TEST_F(CallbackValidationTest, RejectsAnExpiredToken) {
    auto claims = id_claims();
    claims["iat"] = at(-200s);
    claims["exp"] = at(-31s);
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::expired);
    claims["exp"] = at(-10s);  // within the skew
    EXPECT_TRUE(validate_id_token(expect(), jwks(), sign(claims), kNow).has_value());
}

TEST_F(CallbackValidationTest, RejectsIatInTheFuture) {
    auto claims = id_claims();
    claims["iat"] = at(120s);
    claims["exp"] = at(180s);
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::invalid_times);
}

TEST_F(CallbackValidationTest, RejectsWrongOrMissingNonce) {
    auto claims = id_claims();
    claims["nonce"] = std::string(64, 'b');
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::nonce_mismatch);
    claims.erase("nonce");
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::nonce_mismatch);
}

TEST_F(CallbackValidationTest, RejectsAnEmptyExpectedNonce) {
    auto e = expect();
    e.nonce.clear();
    auto claims = id_claims();
    claims["nonce"] = "";
    auto result = validate_id_token(e, jwks(), sign(claims), kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::configuration);
}

TEST_F(CallbackValidationTest, RejectsAcrBelowTheMinimum) {
    auto e = expect();
    e.minimum_acr = "eidas2";
    auto result = validate_id_token(e, jwks(), sign(id_claims()), kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::acr_insufficient);

    auto claims = id_claims();
    claims.erase("acr");
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::acr_insufficient);
    claims["acr"] = "eidas9";
    EXPECT_EQ(id_token_failure(sign(claims)), CallbackErrorReason::acr_insufficient);
}

TEST_F(CallbackValidationTest, RejectsUserinfoSubMismatch) {
    auto info = userinfo_claims();
    info["sub"] = std::string(64, 'e') + "v1";
    auto result = validate_callback(expect(), jwks(), sign(id_claims()), jwt_userinfo(info), kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::userinfo_subject_mismatch);
}

TEST_F(CallbackValidationTest, RejectsUnsignedUserinfoWhenAJwsIsExpected) {
    auto result = validate_callback(expect(), jwks(), sign(id_claims()),
                                    {"application/json", userinfo_claims().dump()}, kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::userinfo_not_signed);

    // JSON served under the JWT media type is not a JWS either.
    result = validate_callback(expect(), jwks(), sign(id_claims()),
                               {"application/jwt", userinfo_claims().dump()}, kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::userinfo_not_signed);

    // An alg none userinfo.
    const std::string none = b64url(R"({"alg":"none"})") + "." +
                             b64url(userinfo_claims().dump()) + ".";
    result = validate_callback(expect(), jwks(), sign(id_claims()), {"application/jwt", none},
                               kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_TRUE(result.error().reason == CallbackErrorReason::algorithm_not_allowed ||
                result.error().reason == CallbackErrorReason::userinfo_not_signed);
}

TEST_F(CallbackValidationTest, RejectsUserinfoWithBadSignatureOrWrongIssuer) {
    UserinfoResponse forged{"application/jwt",
                            sign(userinfo_claims(), other->signing, Algorithm::ES256)};
    auto result = validate_callback(expect(), jwks(), sign(id_claims()), forged, kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::bad_signature);

    auto info = userinfo_claims();
    info["iss"] = "https://evil.example/api/v2";
    result = validate_callback(expect(), jwks(), sign(id_claims()), jwt_userinfo(info), kNow);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason, CallbackErrorReason::issuer_mismatch);
}

TEST(AcrRank, OrdersEidasLevels) {
    EXPECT_LT(*acr_rank("eidas1"), *acr_rank("eidas2"));
    EXPECT_LT(*acr_rank("eidas2"), *acr_rank("eidas3"));
    EXPECT_FALSE(acr_rank("EIDAS1").has_value());
}

}  // namespace
}  // namespace caf::providers
