// DPoP (RFC 9449) at the back-channel endpoints, through their routes with hand-built requests:
// bound access tokens at /token, the bound refresh tokens of a public client, the jti replay
// store, server nonces, and what /userinfo and /introspect make of a bound token.
#include "backchannel_fixture.hpp"
#include "oidc/dpop/dpop_proof.hpp"

namespace caf::oidc::test {
namespace {

const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

// A client's DPoP key pair and the proofs it makes.
struct Holder {
    jose::SigningKey key = signing_key_for(jose::Algorithm::ES256, "");
    std::string jkt() const { return public_jwk_of(key).thumbprint(); }
    std::string proof(const std::string& method, const std::string& url, std::int64_t iat,
                      const nlohmann::json& extra = nlohmann::json::object()) const {
        nlohmann::json claims{{"htm", method}, {"htu", url}, {"iat", iat}, {"jti", random_token(system_random(), 12)}};
        claims.update(extra);
        return *jose::sign({{"typ", "dpop+jwt"}, {"jwk", public_jwk_of(key).to_json()}}, claims.dump(), key,
                           jose::Algorithm::ES256);
    }
};

class Dpop : public BackchannelTest {
protected:
    Dpop() {
        // A bound client that must also use server nonces, besides the fixture's mobile app.
        auto bound = client_config("bound", "confidential", "client_secret_post", {"client_credentials"},
                                   {"caf_api.read"});
        bound.secret_sha256 = crypto::hex_encode(crypto::sha256(bound_secret));
        bound.dpop_bound_access_tokens = true;
        bound.use_dpop_nonce = true;
        config_.clients.push_back(bound);
        *clients_ = ClientRegistry::from_config(config_);
    }

    std::string token_url() const { return issuer + "/token"; }
    std::string userinfo_url() const { return issuer + "/userinfo"; }

    std::string mobile_code(const nlohmann::json& changes = nlohmann::json::object()) {
        nlohmann::json pkce{{"code_challenge", crypto::base64url_encode(crypto::sha256(verifier))},
                            {"code_challenge_method", "S256"},
                            {"scope", "openid profile offline_access"}};
        pkce.update(changes);
        return issue_code("mobile", mobile_redirect, pkce);
    }
    http::Response mobile_token(http::Params form, const std::optional<std::string>& proof) {
        form.emplace_back("client_id", "mobile");
        std::vector<std::pair<std::string, std::string>> headers;
        if (proof) headers.emplace_back("DPoP", *proof);
        return call("POST", "/token", form, headers);
    }
    http::Response redeem(const std::string& code, const std::optional<std::string>& proof) {
        return mobile_token({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", mobile_redirect},
                             {"code_verifier", verifier}},
                            proof);
    }
    http::Response refresh(const std::string& refresh_token, const std::optional<std::string>& proof) {
        return mobile_token({{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}}, proof);
    }
    http::Response bound_token(const std::optional<std::string>& proof) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (proof) headers.emplace_back("DPoP", *proof);
        return call("POST", "/token",
                    {{"grant_type", "client_credentials"}, {"client_id", "bound"}, {"client_secret", bound_secret}},
                    headers);
    }
    nlohmann::json access_token_claims(const std::string& token) {
        auto verified = jose::verify(token, keys_->jwks(clock_.now()), {jose::Algorithm::RS256});
        EXPECT_TRUE(verified.has_value());
        return verified ? nlohmann::json::parse(verified->payload) : nlohmann::json::object();
    }
    http::Response dpop_userinfo(const std::string& access_token, const Holder& holder) {
        auto proof = holder.proof("GET", userinfo_url(), now(), {{"ath", dpop::access_token_hash(access_token)}});
        return call("GET", "/userinfo", {}, {{"Authorization", "DPoP " + access_token}, {"DPoP", proof}});
    }

    const std::string bound_secret = "bound-secret-0123456789";
    Holder holder_;
};

TEST_F(Dpop, TokenWithAProofIsBoundToItsKey) {
    auto response = redeem(mobile_code(), holder_.proof("POST", token_url(), now()));
    ASSERT_EQ(response.status, 200) << response.body;
    auto tokens = body(response);
    EXPECT_EQ(tokens["token_type"], "DPoP");
    EXPECT_EQ(access_token_claims(tokens["access_token"])["cnf"]["jkt"], holder_.jkt());
    EXPECT_TRUE(response.headers.get("DPoP-Nonce").has_value());
}

TEST_F(Dpop, TokenWithoutAProofStaysBearer) {
    auto response = redeem(mobile_code(), std::nullopt);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(body(response)["token_type"], "Bearer");
    EXPECT_FALSE(access_token_claims(body(response)["access_token"]).contains("cnf"));
}

TEST_F(Dpop, InvalidProofIsInvalidDpopProofAndSpendsNoCode) {
    auto code = mobile_code();
    auto response = redeem(code, holder_.proof("POST", issuer + "/userinfo", now()));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(error_of(response), "invalid_dpop_proof");
    EXPECT_EQ(redeem(code, holder_.proof("POST", token_url(), now())).status, 200);
}

TEST_F(Dpop, ReplayedProofIsRefused) {
    auto proof = holder_.proof("POST", token_url(), now());
    ASSERT_EQ(redeem(mobile_code(), proof).status, 200);
    auto replay = redeem(mobile_code(), proof);
    EXPECT_EQ(replay.status, 400);
    EXPECT_EQ(error_of(replay), "invalid_dpop_proof");
}

TEST_F(Dpop, CodeWithDpopJktNeedsAProofOfThatKey) {
    Holder other;
    auto wrong = redeem(mobile_code({{"dpop_jkt", holder_.jkt()}}), other.proof("POST", token_url(), now()));
    EXPECT_EQ(error_of(wrong), "invalid_grant");
    auto none = redeem(mobile_code({{"dpop_jkt", holder_.jkt()}}), std::nullopt);
    EXPECT_EQ(error_of(none), "invalid_grant");
    EXPECT_EQ(redeem(mobile_code({{"dpop_jkt", holder_.jkt()}}), holder_.proof("POST", token_url(), now())).status, 200);
}

TEST_F(Dpop, PublicClientRefreshTokenIsBoundToTheKey) {
    auto tokens = body(redeem(mobile_code(), holder_.proof("POST", token_url(), now())));
    const std::string refresh_token = tokens["refresh_token"];
    Holder other;
    EXPECT_EQ(error_of(refresh(refresh_token, other.proof("POST", token_url(), now()))), "invalid_grant");
    EXPECT_EQ(error_of(refresh(refresh_token, std::nullopt)), "invalid_grant");
    auto refreshed = refresh(refresh_token, holder_.proof("POST", token_url(), now()));
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    EXPECT_EQ(body(refreshed)["token_type"], "DPoP");
    // The rotated token keeps the binding.
    EXPECT_EQ(error_of(refresh(body(refreshed)["refresh_token"], std::nullopt)), "invalid_grant");
}

TEST_F(Dpop, BoundClientWithoutAProofIsRefused) {
    auto response = bound_token(std::nullopt);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(error_of(response), "invalid_dpop_proof");
}

TEST_F(Dpop, NonceClientIsChallengedThenAccepted) {
    auto challenged = bound_token(holder_.proof("POST", token_url(), now()));
    EXPECT_EQ(challenged.status, 400);
    EXPECT_EQ(error_of(challenged), "use_dpop_nonce");
    auto nonce = challenged.headers.get("DPoP-Nonce");
    ASSERT_TRUE(nonce.has_value());
    auto wrong = bound_token(holder_.proof("POST", token_url(), now(), {{"nonce", "made-up"}}));
    EXPECT_EQ(error_of(wrong), "use_dpop_nonce");
    auto accepted = bound_token(holder_.proof("POST", token_url(), now(), {{"nonce", std::string(*nonce)}}));
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    EXPECT_EQ(body(accepted)["token_type"], "DPoP");
    EXPECT_EQ(accepted.headers.get("DPoP-Nonce"), nonce);
}

TEST_F(Dpop, UserinfoNeedsTheDpopSchemeAndAProofOfTheBoundKey) {
    const std::string access_token = body(redeem(mobile_code(), holder_.proof("POST", token_url(), now())))["access_token"];
    auto as_bearer = userinfo(access_token);
    EXPECT_EQ(as_bearer.status, 401);
    EXPECT_TRUE(as_bearer.headers.get("WWW-Authenticate")->starts_with("DPoP "));
    EXPECT_NE(as_bearer.headers.get("WWW-Authenticate")->find("error=\"invalid_token\""), std::string::npos);

    Holder other;
    auto other_key = dpop_userinfo(access_token, other);
    EXPECT_EQ(other_key.status, 401);
    EXPECT_EQ(error_of(other_key), "invalid_dpop_proof");

    auto no_proof = call("GET", "/userinfo", {}, {{"Authorization", "DPoP " + access_token}});
    EXPECT_EQ(no_proof.status, 401);

    auto wrong_ath = call("GET", "/userinfo", {},
                          {{"Authorization", "DPoP " + access_token},
                           {"DPoP", holder_.proof("GET", userinfo_url(), now(), {{"ath", "bad"}})}});
    EXPECT_EQ(error_of(wrong_ath), "invalid_dpop_proof");

    auto ok = dpop_userinfo(access_token, holder_);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(body(ok)["given_name"], "Marie");
    EXPECT_TRUE(ok.headers.get("DPoP-Nonce").has_value());
}

TEST_F(Dpop, BearerTokenWithTheDpopSchemeIsRefused) {
    const std::string access_token = body(redeem(mobile_code(), std::nullopt))["access_token"];
    auto response = dpop_userinfo(access_token, holder_);
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(error_of(response), "invalid_token");
    // A bearer refusal also offers the DPoP scheme and its algorithms.
    auto missing = call("GET", "/userinfo", {});
    auto challenges = missing.headers.combined("WWW-Authenticate").value_or("");
    EXPECT_NE(challenges.find("DPoP algs=\"ES256 EdDSA RS256\""), std::string::npos);
}

TEST_F(Dpop, IntrospectionOfABoundTokenGivesItsKey) {
    auto accepted = call("POST", "/token",
                         {{"grant_type", "client_credentials"}, {"client_id", "partner"}, {"client_secret", partner_secret}},
                         {{"DPoP", holder_.proof("POST", token_url(), now())}});
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    auto answer = body(partner_call("/introspect", {{"token", body(accepted)["access_token"]}}));
    EXPECT_EQ(answer["active"], true);
    EXPECT_EQ(answer["token_type"], "DPoP");
    EXPECT_EQ(answer["cnf"]["jkt"], holder_.jkt());
}

}  // namespace
}  // namespace caf::oidc::test
