// JWS compact sign/verify policy: round trips, tampering, and every refusal the provider relies on.
#include "oidc/jose/jws.hpp"

#include "core/crypto.hpp"
#include "oidc/jose/signature.hpp"
#include "test_keys.hpp"

#include <openssl/x509.h>

#include <gtest/gtest.h>

namespace caf::oidc::jose {
namespace {

using crypto::base64url_decode;
using crypto::base64url_encode;

const std::vector<Algorithm> all_algorithms{Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA,
                                            Algorithm::HS256};
const std::string claims = R"({"sub":"42","iss":"https://connect.caf.fr"})";

std::string replace_segment(const std::string& token, int index, const std::string& value) {
    auto first = token.find('.');
    auto second = token.find('.', first + 1);
    if (index == 0) return value + token.substr(first);
    if (index == 1) return token.substr(0, first + 1) + value + token.substr(second);
    return token.substr(0, second + 1) + value;
}

std::string segment(const std::string& token, int index) {
    auto first = token.find('.');
    auto second = token.find('.', first + 1);
    if (index == 0) return token.substr(0, first);
    if (index == 1) return token.substr(first + 1, second - first - 1);
    return token.substr(second + 1);
}

expected<Verified, std::error_code> verify_with(const std::string& token, const SigningKey& key, Algorithm alg) {
    if (alg == Algorithm::HS256) return verify(token, SecretResolver{test::hs256_secret}, {alg});
    return verify(token, JwkSet{{test::public_jwk_of(key)}}, {alg});
}

class JwsRoundTrip : public ::testing::TestWithParam<Algorithm> {};

TEST_P(JwsRoundTrip, SignedTokenVerifiesWithHeaderAndPayload) {
    auto key = test::signing_key_for(GetParam());
    auto token = sign({{"typ", "JWT"}}, claims, key, GetParam());
    ASSERT_TRUE(token.has_value()) << token.error().message();
    auto verified = verify_with(*token, key, GetParam());
    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->payload, claims);
    EXPECT_EQ(verified->header["alg"], to_string(GetParam()));
    EXPECT_EQ(verified->header["kid"], "test-key");
    EXPECT_EQ(verified->header["typ"], "JWT");
}

TEST_P(JwsRoundTrip, TamperedPayloadSignatureOrHeaderFails) {
    auto key = test::signing_key_for(GetParam());
    auto token = *sign({}, claims, key, GetParam());

    auto other_payload = replace_segment(token, 1, base64url_encode(R"({"sub":"43","iss":"https://connect.caf.fr"})"));
    EXPECT_EQ(verify_with(other_payload, key, GetParam()).error(), jose_error::invalid_signature);

    auto signature = *base64url_decode(segment(token, 2));
    signature[signature.size() / 2] ^= 0x01;
    EXPECT_EQ(verify_with(replace_segment(token, 2, base64url_encode(signature)), key, GetParam()).error(),
              jose_error::invalid_signature);

    auto header = nlohmann::json::parse(*base64url_decode(segment(token, 0)));
    header["typ"] = "at+jwt";
    EXPECT_EQ(verify_with(replace_segment(token, 0, base64url_encode(header.dump())), key, GetParam()).error(),
              jose_error::invalid_signature);
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, JwsRoundTrip, ::testing::ValuesIn(all_algorithms),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(Jws, Es256SignatureIsThe64ByteRAndSOfRfc7518) {
    auto key = test::signing_key_for(Algorithm::ES256);
    for (int i = 0; i < 20; ++i) {  // DER lengths vary (70–72 bytes); R||S never does
        auto token = *sign({}, claims + std::to_string(i), key, Algorithm::ES256);
        EXPECT_EQ(base64url_decode(segment(token, 2))->size(), 64u);
    }
}

TEST(Jws, Es256DerEncodedSignatureIsRefused) {
    auto key = test::signing_key_for(Algorithm::ES256);
    auto token = *sign({}, claims, key, Algorithm::ES256);
    auto der = ecdsa_raw_to_der(*base64url_decode(segment(token, 2)));
    ASSERT_TRUE(der.has_value());
    EXPECT_EQ(ecdsa_der_to_raw(*der, 32), base64url_decode(segment(token, 2)));
    EXPECT_EQ(verify_with(replace_segment(token, 2, base64url_encode(*der)), key, Algorithm::ES256).error(),
              jose_error::invalid_signature);
}

TEST(Jws, AlgNoneIsRefusedWhateverItsSpelling) {
    auto key = test::signing_key_for(Algorithm::RS256);
    JwkSet keys{{test::public_jwk_of(key)}};
    for (const char* none : {"none", "None", "NONE", "nOnE"}) {
        auto token = base64url_encode(nlohmann::json{{"alg", none}}.dump()) + "." + base64url_encode(claims) + ".AA";
        EXPECT_EQ(verify(token, keys, all_algorithms).error(), jose_error::alg_none) << none;
    }
    // The classic unsecured JWS with an empty signature does not even parse.
    auto unsecured = base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(claims) + ".";
    EXPECT_FALSE(verify(unsecured, keys, all_algorithms).has_value());
}

TEST(Jws, Hs256TokenKeyedWithTheRsaPublicKeyIsRefused) {
    // The attacker knows the RSA public key and uses its bytes as the HMAC secret.
    auto rsa = test::signing_key_for(Algorithm::RS256, "rsa-1");
    auto* pkey = std::get<shared_pkey>(rsa.material).get();
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(pkey, &der);
    ASSERT_GT(length, 0);
    std::string public_der(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    auto jwk = test::public_jwk_of(rsa);
    for (const auto& secret : {public_der, jwk.to_json().dump(), *base64url_decode(jwk.to_json()["n"].get<std::string>())}) {
        auto forged = *sign({}, claims, SigningKey{"rsa-1", Secret{secret}}, Algorithm::HS256);
        // Even a caller that wrongly allows HS256 next to RS256 gets a refusal.
        EXPECT_EQ(verify(forged, JwkSet{{jwk}}, {Algorithm::RS256, Algorithm::HS256}).error(),
                  jose_error::key_type_mismatch);
    }
}

TEST(Jws, AlgorithmNotOnTheAllowListIsRefused) {
    auto key = test::signing_key_for(Algorithm::PS256);
    auto token = *sign({}, claims, key, Algorithm::PS256);
    EXPECT_EQ(verify(token, JwkSet{{test::public_jwk_of(key)}}, {Algorithm::RS256, Algorithm::ES256}).error(),
              jose_error::alg_not_allowed);
    auto other = base64url_encode(R"({"alg":"HS512"})") + "." + base64url_encode(claims) + ".AA";
    EXPECT_EQ(verify(other, JwkSet{{test::public_jwk_of(key)}}, all_algorithms).error(), jose_error::unsupported_alg);
}

TEST(Jws, UnknownKidIsRefused) {
    auto key = test::signing_key_for(Algorithm::ES256, "old");
    auto token = *sign({}, claims, key, Algorithm::ES256);
    auto published = test::public_jwk_of(key);
    published.set_kid("new");
    EXPECT_EQ(verify(token, JwkSet{{published}}, {Algorithm::ES256}).error(), jose_error::unknown_kid);
}

TEST(Jws, MissingKidIsRefusedOnlyWhenSeveralKeysFit) {
    auto a = test::signing_key_for(Algorithm::ES256, "a");
    auto b = test::signing_key_for(Algorithm::ES256, "b");
    auto token = *sign({}, claims, SigningKey{"", a.material}, Algorithm::ES256);
    EXPECT_FALSE(nlohmann::json::parse(*base64url_decode(segment(token, 0))).contains("kid"));
    EXPECT_EQ(verify(token, JwkSet{{test::public_jwk_of(a), test::public_jwk_of(b)}}, {Algorithm::ES256}).error(),
              jose_error::missing_kid);
    EXPECT_TRUE(verify(token, JwkSet{{test::public_jwk_of(a)}}, {Algorithm::ES256}).has_value());
}

TEST(Jws, KeyDeclaredForAnotherAlgIsRefused) {
    auto key = test::signing_key_for(Algorithm::RS256);
    auto token = *sign({}, claims, key, Algorithm::PS256);
    auto jwk = test::public_jwk_of(key);
    jwk.set_alg(Algorithm::RS256);
    EXPECT_EQ(verify(token, JwkSet{{jwk}}, {Algorithm::PS256}).error(), jose_error::key_alg_mismatch);
}

TEST(Jws, WeakKeysAreRefusedForSigningAndVerifying) {
    SigningKey small_rsa{"small", share(evp_pkey_ptr{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024})})};
    EXPECT_EQ(sign({}, claims, small_rsa, Algorithm::RS256).error(), jose_error::weak_key);
    SigningKey short_secret{"", Secret{"too-short"}};
    EXPECT_EQ(sign({}, claims, short_secret, Algorithm::HS256).error(), jose_error::weak_key);
    auto token = *sign({}, claims, test::signing_key_for(Algorithm::HS256), Algorithm::HS256);
    EXPECT_EQ(verify(token, SecretResolver{"too-short"}, {Algorithm::HS256}).error(), jose_error::weak_key);
}

TEST(Jws, CritHeaderIsRefused) {
    auto key = test::signing_key_for(Algorithm::EdDSA);
    auto token = *sign({{"crit", {"exp"}}, {"exp", 1}}, claims, key, Algorithm::EdDSA);
    EXPECT_EQ(verify_with(token, key, Algorithm::EdDSA).error(), jose_error::crit_not_supported);
}

TEST(Jws, MalformedTokensAreRefused) {
    auto key = test::signing_key_for(Algorithm::EdDSA);
    auto token = *sign({}, claims, key, Algorithm::EdDSA);
    auto expect_error = [&](const std::string& bad, jose_error error) {
        EXPECT_EQ(verify_with(bad, key, Algorithm::EdDSA).error(), error) << bad;
    };
    expect_error(segment(token, 0) + "." + segment(token, 1), jose_error::malformed_token);
    expect_error(token + ".AA", jose_error::malformed_token);
    expect_error(token + ".", jose_error::malformed_token);
    expect_error("", jose_error::malformed_token);
    expect_error(std::string(".").append(segment(token, 1)).append(".").append(segment(token, 2)),
                 jose_error::malformed_token);
    expect_error(token + "\n", jose_error::invalid_base64url);
    expect_error(token + "=", jose_error::invalid_base64url);
    expect_error(token + "AA", jose_error::invalid_signature);  // trailing bytes in the signature
    expect_error(token + "AAA", jose_error::invalid_base64url);  // 89 characters: not whole bytes
    expect_error(replace_segment(token, 1, segment(token, 1) + "="), jose_error::invalid_base64url);
    expect_error(replace_segment(token, 1, "e30+"), jose_error::invalid_base64url);
    expect_error(replace_segment(token, 0, base64url_encode("{\"alg\":\"EdDSA\"} trailing")), jose_error::invalid_header);
    expect_error(replace_segment(token, 0, base64url_encode("[\"EdDSA\"]")), jose_error::invalid_header);
    expect_error(replace_segment(token, 0, base64url_encode(R"({"alg":"EdDSA","alg":"HS256"})")),
                 jose_error::invalid_header);
    expect_error(replace_segment(token, 0, base64url_encode(R"({"typ":"JWT"})")), jose_error::missing_alg);
    expect_error(replace_segment(token, 0, base64url_encode(R"({"alg":"EdDSA","kid":5})")), jose_error::invalid_header);
}

TEST(Jws, KeyResolverNeverTakesTheKeyFromTheToken) {
    // An embedded "jwk" header carrying the attacker's own key changes nothing.
    auto attacker = test::signing_key_for(Algorithm::ES256, "victim");
    auto victim = test::signing_key_for(Algorithm::ES256, "victim");
    auto token = *sign({{"jwk", test::public_jwk_of(attacker).to_json()}}, claims, attacker, Algorithm::ES256);
    EXPECT_EQ(verify(token, JwkSet{{test::public_jwk_of(victim)}}, {Algorithm::ES256}).error(),
              jose_error::invalid_signature);
}

TEST(Jws, ReadUnverifiedHeaderGivesTheKid) {
    auto key = test::signing_key_for(Algorithm::ES256, "kid-7");
    auto header = read_unverified_header(*sign({}, claims, key, Algorithm::ES256));
    ASSERT_TRUE(header.has_value());
    EXPECT_EQ((*header)["kid"], "kid-7");
}

TEST(JoseError, MessagesNameTheProblem) {
    EXPECT_STREQ(jose_category().name(), "jose");
    EXPECT_EQ(std::error_code(jose_error::alg_none).message(), "alg none is refused");
    EXPECT_EQ(std::error_code(jose_error::aud_mismatch).message(), "aud claim does not contain the expected audience");
}

}  // namespace
}  // namespace caf::oidc::jose
