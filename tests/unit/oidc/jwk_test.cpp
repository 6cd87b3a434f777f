// JWK conversion, RFC 7638 thumbprints and JWK sets.
#include "oidc/jose/jwk.hpp"

#include "test_keys.hpp"

#include <gtest/gtest.h>

namespace caf::oidc::jose {
namespace {

const char* rfc7638_n =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknj"
    "hMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qM"
    "QvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

TEST(Jwk, Rfc7638ExampleThumbprint) {
    auto jwk = Jwk::from_json({{"kty", "RSA"}, {"n", rfc7638_n}, {"e", "AQAB"}, {"alg", "RS256"}, {"kid", "2011-04-29"}});
    ASSERT_TRUE(jwk.has_value());
    EXPECT_EQ(jwk->thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    EXPECT_EQ(jwk->kid(), "2011-04-29");
}

TEST(Jwk, FromPrivateKeyKeepsOnlyThePublicMembers) {
    for (auto alg : {Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA}) {
        auto key = test::signing_key_for(alg);
        auto json = test::public_jwk_of(key).to_json();
        for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) EXPECT_FALSE(json.contains(secret)) << secret;
        auto reparsed = Jwk::from_json(json);
        ASSERT_TRUE(reparsed.has_value());
        EXPECT_EQ(reparsed->thumbprint(), test::public_jwk_of(key).thumbprint());
        EXPECT_FALSE(reparsed->check_usable_for(alg)) << to_string(alg);
    }
}

TEST(Jwk, ParsedPrivateMembersAreDropped) {
    auto jwk = Jwk::from_json({{"kty", "OKP"},
                               {"crv", "Ed25519"},
                               {"d", "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"},
                               {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}});
    ASSERT_TRUE(jwk.has_value());
    EXPECT_FALSE(jwk->to_json().contains("d"));
    // RFC 8037 A.3
    EXPECT_EQ(jwk->thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(Jwk, EcPointOffTheCurveIsRefused) {
    nlohmann::json ec = {{"kty", "EC"},
                         {"crv", "P-256"},
                         {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                         {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
    EXPECT_TRUE(Jwk::from_json(ec).has_value());
    ec["y"] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1";
    EXPECT_EQ(Jwk::from_json(ec).error(), jose_error::invalid_jwk);
}

TEST(Jwk, SymmetricAndUnsupportedKeysAreRefused) {
    EXPECT_EQ(Jwk::from_json({{"kty", "oct"}, {"k", "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ"}}).error(),
              jose_error::unsupported_key_type);
    EXPECT_EQ(Jwk::from_json({{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}}).error(),
              jose_error::unsupported_key_type);
    EXPECT_EQ(Jwk::from_json({{"kty", "RSA"}, {"n", "not base64!"}, {"e", "AQAB"}}).error(), jose_error::invalid_jwk);
    EXPECT_EQ(Jwk::from_json({{"kty", "RSA"}, {"n", rfc7638_n}, {"e", "AQAB"}, {"kid", 7}}).error(),
              jose_error::invalid_jwk);
}

TEST(Jwk, EncryptionKeyOrOtherAlgIsNotUsableForSignatures) {
    auto enc = Jwk::from_json({{"kty", "RSA"}, {"n", rfc7638_n}, {"e", "AQAB"}, {"use", "enc"}});
    ASSERT_TRUE(enc.has_value());
    EXPECT_EQ(enc->check_usable_for(Algorithm::RS256), jose_error::key_use_mismatch);
    auto rs = Jwk::from_json({{"kty", "RSA"}, {"n", rfc7638_n}, {"e", "AQAB"}, {"alg", "RS256"}});
    EXPECT_EQ(rs->check_usable_for(Algorithm::PS256), jose_error::key_alg_mismatch);
    EXPECT_EQ(rs->check_usable_for(Algorithm::ES256), jose_error::key_alg_mismatch);
}

TEST(JwkSet, ParsesFindsByKidSkipsUnusableKeysAndSerialises) {
    auto text = R"({"keys":[
        {"kty":"RSA","kid":"rsa-1","use":"sig","n":")" + std::string(rfc7638_n) + R"(","e":"AQAB"},
        {"kty":"oct","kid":"secret","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ"},
        {"kty":"EC","kid":"p384","crv":"P-384","x":"AA","y":"AA"},
        {"kty":"OKP","kid":"ed","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})";
    auto set = JwkSet::parse(text);
    ASSERT_TRUE(set.has_value());
    ASSERT_EQ(set->keys().size(), 2u);
    ASSERT_NE(set->find("rsa-1"), nullptr);
    EXPECT_EQ(set->find("rsa-1")->key_type(), KeyType::RSA);
    EXPECT_EQ(set->find("secret"), nullptr);
    auto json = set->to_json();
    EXPECT_EQ(json["keys"].size(), 2u);
    EXPECT_EQ(json["keys"][0]["use"], "sig");
    EXPECT_EQ(JwkSet::parse(json.dump())->keys().size(), 2u);
}

TEST(JwkSet, DocumentWithoutKeysArrayIsRefused) {
    EXPECT_EQ(JwkSet::parse("{}").error(), jose_error::invalid_jwk_set);
    EXPECT_EQ(JwkSet::parse("[]").error(), jose_error::invalid_jwk_set);
    EXPECT_EQ(JwkSet::parse("{\"keys\":").error(), jose_error::invalid_jwk_set);
}

}  // namespace
}  // namespace caf::oidc::jose
