// DPoP proofs (RFC 9449 §4.3) checked without a server: each rule a resource or the token
// endpoint applies to the DPoP header, and the stateless server nonces.
#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "oidc/dpop/dpop_nonce.hpp"
#include "oidc/dpop/dpop_proof.hpp"
#include "test_keys.hpp"

namespace caf::oidc::test {
namespace {

using namespace std::chrono_literals;
using dpop::ProofError;
using jose::Algorithm;

const TimePoint now{std::chrono::seconds{1'700'000'000}};
const std::string token_url = "https://connect.caf.test/token";

struct Prover {
    explicit Prover(Algorithm a = Algorithm::ES256) : alg(a), key(signing_key_for(a, "")) {}

    nlohmann::json jwk() const { return public_jwk_of(key).to_json(); }
    nlohmann::json claims() const {
        return {{"htm", "POST"}, {"htu", token_url}, {"iat", to_unix_seconds(now)}, {"jti", "jti-0123456789"}};
    }
    // A proof signed by this key; `header` and `changes` override members (null removes).
    std::string proof(const nlohmann::json& changes = nlohmann::json::object(),
                      const nlohmann::json& header_changes = nlohmann::json::object()) const {
        nlohmann::json header{{"typ", "dpop+jwt"}, {"jwk", jwk()}};
        auto payload = claims();
        for (const auto& [k, v] : changes.items()) v.is_null() ? void(payload.erase(k)) : void(payload[k] = v);
        for (const auto& [k, v] : header_changes.items()) v.is_null() ? void(header.erase(k)) : void(header[k] = v);
        return *jose::sign(header, payload.dump(), key, alg);
    }

    Algorithm alg;
    jose::SigningKey key;
};

dpop::ProofExpectations at_token() { return {"POST", token_url, std::nullopt, now}; }

ProofError refusal_of(const std::string& proof, const dpop::ProofExpectations& expect = at_token()) {
    auto checked = dpop::check_proof(proof, expect);
    EXPECT_FALSE(checked.has_value());
    return checked ? ProofError::malformed : checked.error();
}

std::string b64(const nlohmann::json& j) { return crypto::base64url_encode(j.dump()); }

TEST(DpopProof, ValidProofGivesTheKeyThumbprintForEveryAllowedAlgorithm) {
    for (auto alg : {Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256}) {
        Prover prover(alg);
        auto checked = dpop::check_proof(prover.proof(), at_token());
        ASSERT_TRUE(checked.has_value()) << jose::to_string(alg);
        EXPECT_EQ(checked->jkt, public_jwk_of(prover.key).thumbprint());
        EXPECT_EQ(checked->jti, "jti-0123456789");
        EXPECT_EQ(checked->htu, token_url);
    }
}

TEST(DpopProof, WrongTypIsRefused) {
    Prover prover;
    EXPECT_EQ(refusal_of(prover.proof({}, {{"typ", "JWT"}})), ProofError::wrong_typ);
    EXPECT_EQ(refusal_of(prover.proof({}, {{"typ", nullptr}})), ProofError::wrong_typ);
}

TEST(DpopProof, AlgNoneIsRefused) {
    Prover prover;
    auto header = b64({{"typ", "dpop+jwt"}, {"alg", "none"}, {"jwk", prover.jwk()}});
    EXPECT_EQ(refusal_of(header + "." + b64(prover.claims()) + ".AAAA"), ProofError::alg_not_allowed);
}

TEST(DpopProof, Hs256IsRefusedEvenWithAValidMac) {
    Prover prover;
    jose::SigningKey secret{"", jose::Secret{hs256_secret}};
    auto proof = *jose::sign({{"typ", "dpop+jwt"}, {"jwk", prover.jwk()}}, prover.claims().dump(), secret,
                             Algorithm::HS256);
    EXPECT_EQ(refusal_of(proof), ProofError::alg_not_allowed);
}

TEST(DpopProof, PrivateJwkIsRefused) {
    Prover prover;
    auto jwk = prover.jwk();
    jwk["d"] = crypto::base64url_encode(std::string(32, 'x'));
    EXPECT_EQ(refusal_of(prover.proof({}, {{"jwk", jwk}})), ProofError::private_jwk);
}

TEST(DpopProof, MissingJwkIsRefused) {
    Prover prover;
    EXPECT_EQ(refusal_of(prover.proof({}, {{"jwk", nullptr}})), ProofError::invalid_jwk);
}

TEST(DpopProof, SignatureOfAnotherKeyIsRefused) {
    Prover prover;
    Prover other;
    EXPECT_EQ(refusal_of(prover.proof({}, {{"jwk", other.jwk()}})), ProofError::bad_signature);
}

TEST(DpopProof, WrongHtmIsRefused) {
    Prover prover;
    EXPECT_EQ(refusal_of(prover.proof({{"htm", "GET"}})), ProofError::wrong_htm);
    EXPECT_EQ(refusal_of(prover.proof({{"htm", nullptr}})), ProofError::wrong_htm);
}

TEST(DpopProof, WrongHtuIsRefused) {
    Prover prover;
    EXPECT_EQ(refusal_of(prover.proof({{"htu", "https://connect.caf.test/userinfo"}})), ProofError::wrong_htu);
    EXPECT_EQ(refusal_of(prover.proof({{"htu", "https://evil.test/token"}})), ProofError::wrong_htu);
    EXPECT_EQ(refusal_of(prover.proof({{"htu", nullptr}})), ProofError::wrong_htu);
}

TEST(DpopProof, HtuIsComparedAfterNormalisationWithoutQueryOrFragment) {
    Prover prover;
    auto checked =
        dpop::check_proof(prover.proof({{"htu", "HTTPS://Connect.CAF.test:443/token?x=1#frag"}}), at_token());
    EXPECT_TRUE(checked.has_value());
    EXPECT_EQ(dpop::normalise_htu("http://127.0.0.1:80"), "http://127.0.0.1/");
    EXPECT_EQ(dpop::normalise_htu("http://127.0.0.1:8080/token"), "http://127.0.0.1:8080/token");
    EXPECT_FALSE(dpop::normalise_htu("/token").has_value());
}

TEST(DpopProof, StaleOrFutureIatIsRefused) {
    Prover prover;
    const auto t = to_unix_seconds(now);
    EXPECT_EQ(refusal_of(prover.proof({{"iat", t - 61}})), ProofError::iat_out_of_window);
    EXPECT_EQ(refusal_of(prover.proof({{"iat", t + 61}})), ProofError::iat_out_of_window);
    EXPECT_EQ(refusal_of(prover.proof({{"iat", nullptr}})), ProofError::iat_out_of_window);
    EXPECT_TRUE(dpop::check_proof(prover.proof({{"iat", t - 60}}), at_token()).has_value());
    EXPECT_TRUE(dpop::check_proof(prover.proof({{"iat", t + 60}}), at_token()).has_value());
}

TEST(DpopProof, MissingJtiIsRefused) {
    Prover prover;
    EXPECT_EQ(refusal_of(prover.proof({{"jti", nullptr}})), ProofError::missing_jti);
    EXPECT_EQ(refusal_of(prover.proof({{"jti", ""}})), ProofError::missing_jti);
}

TEST(DpopProof, AtAResourceAthMustBeTheHashOfTheAccessToken) {
    Prover prover;
    const std::string access_token = "an.access.token";
    dpop::ProofExpectations at_userinfo{"GET", "https://connect.caf.test/userinfo", access_token, now};
    const nlohmann::json base{{"htm", "GET"}, {"htu", "https://connect.caf.test/userinfo"}};
    auto with = [&](nlohmann::json changes) {
        changes.update(base);
        return prover.proof(changes);
    };
    EXPECT_TRUE(dpop::check_proof(with({{"ath", dpop::access_token_hash(access_token)}}), at_userinfo).has_value());
    EXPECT_EQ(refusal_of(with({{"ath", dpop::access_token_hash("another.access.token")}}), at_userinfo),
              ProofError::wrong_ath);
    EXPECT_EQ(refusal_of(with({}), at_userinfo), ProofError::wrong_ath);
}

TEST(DpopProof, NotAJwsIsMalformed) {
    EXPECT_EQ(refusal_of("not-a-proof"), ProofError::malformed);
}

TEST(DpopHeader, ExactlyOneHeaderIsAllowed) {
    http::Headers headers;
    EXPECT_FALSE(dpop::dpop_header(headers)->has_value());
    headers.add("DPoP", "one");
    EXPECT_EQ(dpop::dpop_header(headers)->value(), "one");
    headers.add("dpop", "two");
    auto twice = dpop::dpop_header(headers);
    ASSERT_FALSE(twice.has_value());
    EXPECT_EQ(twice.error(), ProofError::multiple_headers);
}

TEST(DpopNonce, ValidForItsPeriodAndTheNextThenRotates) {
    const auto key = dpop::nonce_key("a-server-secret");
    const auto start = TimePoint{std::chrono::seconds{1'700'000'100}};
    auto nonce = dpop::current_nonce(key, start);
    EXPECT_TRUE(dpop::is_valid_nonce(key, nonce, start));
    EXPECT_TRUE(dpop::is_valid_nonce(key, nonce, start + dpop::nonce_period));
    EXPECT_FALSE(dpop::is_valid_nonce(key, nonce, start + 2 * dpop::nonce_period));
    EXPECT_NE(dpop::current_nonce(key, start + dpop::nonce_period), nonce);
    EXPECT_FALSE(dpop::is_valid_nonce(dpop::nonce_key("another-secret"), nonce, start));
    EXPECT_FALSE(dpop::is_valid_nonce(key, "made-up", start));
}

}  // namespace
}  // namespace caf::oidc::test
