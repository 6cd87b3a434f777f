// The back-channel half of the provider — token, userinfo, introspection, revocation — driven
// through its routes with hand-built requests, as a relying party or a resource server would.
#include <algorithm>

#include "backchannel_fixture.hpp"
#include "oidc/client_auth/client_authentication.hpp"
#include "oidc/jose/jws.hpp"
#include "oidc/subject.hpp"
#include "storage/session_end.hpp"
#include "storage/sessions.hpp"

namespace caf::oidc::test {
namespace {

using namespace std::chrono_literals;

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::string pkce_challenge(const std::string& verifier) {
    return crypto::base64url_encode(crypto::sha256(verifier));
}

const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

class TokenEndpoint : public BackchannelTest {};
class ClientAuthentication : public BackchannelTest {};
class RefreshGrant : public BackchannelTest {};
class ClientCredentialsGrant : public BackchannelTest {};
class IssuedTokens : public BackchannelTest {};
class Userinfo : public BackchannelTest {};
class Introspection : public BackchannelTest {};
class Revocation : public BackchannelTest {};

TEST_F(TokenEndpoint, CodeIsSingleUseAndReplayRevokesItsTokens) {
    auto code = issue_code("portal", portal_redirect);
    auto first = redeem_portal_code(code);
    ASSERT_EQ(first.status, 200) << first.body;
    auto tokens = body(first);
    ASSERT_EQ(userinfo(tokens["access_token"]).status, 200);

    auto replay = redeem_portal_code(code);
    EXPECT_EQ(replay.status, 400);
    EXPECT_EQ(error_of(replay), "invalid_grant");

    EXPECT_EQ(userinfo(tokens["access_token"]).status, 401);
    EXPECT_EQ(error_of(portal_refresh(tokens["refresh_token"])), "invalid_grant");
    EXPECT_TRUE(contains(audit_actions(), "oidc.code_replayed"));
}

TEST_F(TokenEndpoint, UnknownCodeIsInvalidGrant) {
    EXPECT_EQ(error_of(redeem_portal_code("never-issued")), "invalid_grant");
}

TEST_F(TokenEndpoint, CodeOfAnotherClientIsRefused) {
    auto code = issue_code("portal", mobile_redirect);
    auto response = call("POST", "/token",
                         {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", mobile_redirect},
                          {"client_id", "mobile"}, {"code_verifier", verifier}});
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(error_of(response), "invalid_grant");
}

TEST_F(TokenEndpoint, RedirectUriMustMatch) {
    auto wrong = portal_token({{"grant_type", "authorization_code"},
                               {"code", issue_code("portal", portal_redirect)},
                               {"redirect_uri", portal_redirect + "?x=1"}});
    EXPECT_EQ(error_of(wrong), "invalid_grant");
    auto missing = portal_token({{"grant_type", "authorization_code"}, {"code", issue_code("portal", portal_redirect)}});
    EXPECT_EQ(error_of(missing), "invalid_grant");
    EXPECT_EQ(redeem_portal_code(issue_code("portal", portal_redirect)).status, 200);
}

TEST_F(TokenEndpoint, PkceVerifierMissingWrongOrUnexpected) {
    auto mobile = [&](const std::string& code, std::optional<std::string> code_verifier) {
        http::Params form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", mobile_redirect},
                          {"client_id", "mobile"}};
        if (code_verifier) form.emplace_back("code_verifier", *code_verifier);
        return call("POST", "/token", form);
    };
    nlohmann::json pkce{{"code_challenge", pkce_challenge(verifier)}, {"code_challenge_method", "S256"}};

    EXPECT_EQ(error_of(mobile(issue_code("mobile", mobile_redirect, pkce), std::nullopt)), "invalid_grant");
    std::string other(verifier);
    other.back() = other.back() == 'k' ? 'j' : 'k';
    EXPECT_EQ(error_of(mobile(issue_code("mobile", mobile_redirect, pkce), other)), "invalid_grant");
    EXPECT_EQ(error_of(mobile(issue_code("mobile", mobile_redirect, pkce), "short")), "invalid_grant");
    // A public client without PKCE, or a verifier for a code without a challenge (downgrade).
    EXPECT_EQ(error_of(mobile(issue_code("mobile", mobile_redirect), std::nullopt)), "invalid_grant");
    auto downgrade = portal_token({{"grant_type", "authorization_code"},
                                   {"code", issue_code("portal", portal_redirect)},
                                   {"redirect_uri", portal_redirect},
                                   {"code_verifier", verifier}});
    EXPECT_EQ(error_of(downgrade), "invalid_grant");

    auto good = mobile(issue_code("mobile", mobile_redirect, pkce), verifier);
    EXPECT_EQ(good.status, 200) << good.body;
}

TEST_F(TokenEndpoint, ExpiredCodeRefused) {
    auto code = issue_code("portal", portal_redirect);
    clock_.advance(61s);
    EXPECT_EQ(error_of(redeem_portal_code(code)), "invalid_grant");
}

TEST_F(TokenEndpoint, UnsupportedOrUnauthorizedGrantType) {
    EXPECT_EQ(error_of(portal_token({{"grant_type", "password"}})), "unsupported_grant_type");
    EXPECT_EQ(error_of(portal_token({{"grant_type", "client_credentials"}})), "unauthorized_client");
    EXPECT_EQ(error_of(portal_token({})), "invalid_request");
}

TEST_F(TokenEndpoint, RepeatedParameterOrNonFormBodyIsInvalidRequest) {
    auto code = issue_code("portal", portal_redirect);
    auto repeated = portal_token({{"grant_type", "authorization_code"}, {"code", code}, {"code", code},
                                  {"redirect_uri", portal_redirect}});
    EXPECT_EQ(error_of(repeated), "invalid_request");
}

TEST_F(TokenEndpoint, AccountGoneMeansNoTokens) {
    claims_.gone.insert(account_);
    auto response = redeem_portal_code(issue_code("portal", portal_redirect));
    EXPECT_EQ(error_of(response), "invalid_grant");
}

TEST_F(ClientAuthentication, WrongSecretIsInvalidClientWith401ForBasic) {
    auto basic_wrong = call("POST", "/token", {{"grant_type", "authorization_code"}, {"code", "x"}},
                            {{"Authorization", basic("portal", "not-the-secret")}});
    EXPECT_EQ(basic_wrong.status, 401);
    EXPECT_EQ(error_of(basic_wrong), "invalid_client");
    ASSERT_TRUE(basic_wrong.headers.get("WWW-Authenticate"));
    EXPECT_EQ(basic_wrong.headers.get("WWW-Authenticate")->substr(0, 5), "Basic");

    auto unknown = call("POST", "/token", {{"grant_type", "authorization_code"}, {"code", "x"}},
                        {{"Authorization", basic("nobody", portal_secret)}});
    EXPECT_EQ(unknown.status, 401);

    auto post_wrong = call("POST", "/token", {{"grant_type", "client_credentials"}, {"client_id", "partner"},
                                              {"client_secret", "wrong-secret-0123456789"}});
    EXPECT_EQ(post_wrong.status, 400);
    EXPECT_EQ(error_of(post_wrong), "invalid_client");

    // The right secret by a method the client did not register.
    auto wrong_method = call("POST", "/token", {{"grant_type", "authorization_code"}, {"code", "x"},
                                                {"client_id", "portal"}, {"client_secret", portal_secret}});
    EXPECT_EQ(error_of(wrong_method), "invalid_client");
    // A confidential client cannot pass for a public one.
    auto no_auth = call("POST", "/token", {{"grant_type", "authorization_code"}, {"code", "x"}, {"client_id", "portal"}});
    EXPECT_EQ(error_of(no_auth), "invalid_client");
}

TEST_F(ClientAuthentication, ClientSecretPostAndBasicBothWork) {
    EXPECT_EQ(redeem_portal_code(issue_code("portal", portal_redirect)).status, 200);
    EXPECT_EQ(partner_call("/token", {{"grant_type", "client_credentials"}}).status, 200);

    auto both = call("POST", "/token",
                     {{"grant_type", "client_credentials"}, {"client_id", "partner"}, {"client_secret", partner_secret}},
                     {{"Authorization", basic("partner", partner_secret)}});
    EXPECT_EQ(error_of(both), "invalid_request");
}

TEST_F(ClientAuthentication, PrivateKeyJwtAssertionAcceptedOnceOnly) {
    auto redeem = [&](const std::string& assertion) {
        return call("POST", "/token",
                    {{"grant_type", "authorization_code"},
                     {"code", issue_code("jwt-client", jwt_client_redirect)},
                     {"redirect_uri", jwt_client_redirect},
                     {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                     {"client_assertion", assertion}});
    };
    auto assertion = client_assertion();
    auto first = redeem(assertion);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(error_of(redeem(assertion)), "invalid_client");

    EXPECT_EQ(redeem(client_assertion({{"aud", issuer}})).status, 200);
    EXPECT_EQ(error_of(redeem(client_assertion({{"aud", "https://elsewhere.test/token"}}))), "invalid_client");
    EXPECT_EQ(error_of(redeem(client_assertion({{"exp", nullptr}}))), "invalid_client");
    EXPECT_EQ(error_of(redeem(client_assertion({{"exp", now() + 3600}}))), "invalid_client");
    EXPECT_EQ(error_of(redeem(client_assertion({{"exp", now() - 120}}))), "invalid_client");
    EXPECT_EQ(error_of(redeem(client_assertion({{"jti", nullptr}}))), "invalid_client");
    EXPECT_EQ(error_of(redeem(client_assertion({{"sub", "portal"}}))), "invalid_client");
    // Signed by a key that is not in the client's JWKS.
    auto stranger = signing_key_for(jose::Algorithm::RS256, "jwt-client-key");
    nlohmann::json claims{{"iss", "jwt-client"}, {"sub", "jwt-client"}, {"aud", issuer + "/token"},
                          {"exp", now() + 60}, {"jti", "forged"}};
    EXPECT_EQ(error_of(redeem(*jose::sign({{"typ", "JWT"}}, claims.dump(), stranger, jose::Algorithm::RS256))),
              "invalid_client");
}

TEST_F(RefreshGrant, ByDefaultAnyReuseOfARotatedTokenRevokesTheFamilyAtOnce) {
    // No grace by default: an attacker racing the client with a stolen token gets no window.
    std::string first = body(redeem_portal_code(issue_code("portal", portal_redirect)))["refresh_token"];
    auto rotated = portal_refresh(first);
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    std::string second = body(rotated)["refresh_token"];
    std::string access = body(rotated)["access_token"];

    EXPECT_EQ(error_of(portal_refresh(first)), "invalid_grant");  // the same second
    EXPECT_EQ(error_of(portal_refresh(second)), "invalid_grant") << "the successor is revoked too";
    EXPECT_EQ(userinfo(access).status, 401);
    EXPECT_TRUE(contains(audit_actions(), "oidc.refresh_token_reused"));
}

TEST_F(RefreshGrant, WithAGraceWindowARetryIsRefusedWithoutRevokingThenReuseRevokes) {
    config_.oidc.refresh_reuse_grace = 10;
    auto tokens = body(redeem_portal_code(issue_code("portal", portal_redirect)));
    std::string first = tokens["refresh_token"];

    auto rotated = portal_refresh(first);
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    std::string second = body(rotated)["refresh_token"];
    EXPECT_NE(second, first);

    // A retry within the grace window: refused, but the family lives on.
    auto retry = portal_refresh(first);
    EXPECT_EQ(error_of(retry), "invalid_grant");
    EXPECT_FALSE(body(retry).contains("refresh_token"));
    auto again = portal_refresh(second);
    ASSERT_EQ(again.status, 200) << again.body;
    std::string third = body(again)["refresh_token"];
    std::string access = body(again)["access_token"];

    clock_.advance(std::chrono::seconds(config_.oidc.refresh_reuse_grace + 1));
    EXPECT_EQ(error_of(portal_refresh(first)), "invalid_grant");
    EXPECT_EQ(error_of(portal_refresh(third)), "invalid_grant");
    EXPECT_EQ(userinfo(access).status, 401);
    EXPECT_TRUE(contains(audit_actions(), "oidc.refresh_token_reused"));
}

TEST_F(RefreshGrant, ReuseAfterTheSuccessorWasUsedRevokesTheFamilyEvenWithinGrace) {
    std::string first = body(redeem_portal_code(issue_code("portal", portal_redirect)))["refresh_token"];
    std::string second = body(portal_refresh(first))["refresh_token"];
    auto third_response = portal_refresh(second);
    ASSERT_EQ(third_response.status, 200) << third_response.body;
    std::string third = body(third_response)["refresh_token"];
    // Same second, well within the grace window: but `second` was used, so `first` is stolen.
    EXPECT_EQ(error_of(portal_refresh(first)), "invalid_grant");
    EXPECT_EQ(error_of(portal_refresh(third)), "invalid_grant");
    EXPECT_TRUE(contains(audit_actions(), "oidc.refresh_token_reused"));
}

TEST_F(RefreshGrant, IdleAndAbsoluteExpiry) {
    std::string refresh = body(redeem_portal_code(issue_code("portal", portal_redirect)))["refresh_token"];
    clock_.advance(std::chrono::seconds(config_.oidc.refresh_token_idle + 1));
    EXPECT_EQ(error_of(portal_refresh(refresh)), "invalid_grant");

    refresh = body(redeem_portal_code(issue_code("portal", portal_redirect)))["refresh_token"];
    // Used just before each idle expiry, it still dies at the family's absolute expiry.
    const auto step = std::chrono::seconds(config_.oidc.refresh_token_idle - 60);
    std::chrono::seconds elapsed{0};
    for (int use = 0; use < 10; ++use) {
        auto response = portal_refresh(refresh);
        if (response.status != 200) {
            EXPECT_EQ(error_of(response), "invalid_grant");
            EXPECT_GE(elapsed, std::chrono::seconds(config_.oidc.refresh_token_lifetime));
            return;
        }
        refresh = body(response)["refresh_token"];
        clock_.advance(step);
        elapsed += step;
    }
    ADD_FAILURE() << "the refresh token outlived its absolute lifetime";
}

TEST_F(RefreshGrant, RefreshTokenOfAnotherClientRefused) {
    nlohmann::json pkce{{"code_challenge", pkce_challenge(verifier)}, {"code_challenge_method", "S256"},
                        {"scope", "openid offline_access"}};
    auto mobile = call("POST", "/token",
                       {{"grant_type", "authorization_code"}, {"code", issue_code("mobile", mobile_redirect, pkce)},
                        {"redirect_uri", mobile_redirect}, {"client_id", "mobile"}, {"code_verifier", verifier}});
    ASSERT_EQ(mobile.status, 200) << mobile.body;
    std::string refresh = body(mobile)["refresh_token"];

    EXPECT_EQ(error_of(portal_refresh(refresh)), "invalid_grant");
    auto own = call("POST", "/token", {{"grant_type", "refresh_token"}, {"refresh_token", refresh}, {"client_id", "mobile"}});
    EXPECT_EQ(own.status, 200) << own.body;
}

TEST_F(RefreshGrant, RefreshScopeCanOnlyNarrow) {
    std::string refresh = body(redeem_portal_code(issue_code("portal", portal_redirect)))["refresh_token"];
    auto wider = portal_refresh(refresh, "openid profile phone");
    EXPECT_EQ(error_of(wider), "invalid_scope");

    auto narrower = portal_refresh(refresh, "openid profile");
    ASSERT_EQ(narrower.status, 200) << narrower.body;
    EXPECT_EQ(body(narrower)["scope"], "openid profile");
    EXPECT_TRUE(body(narrower).contains("id_token"));

    // The new refresh token keeps the original grant (RFC 6749 §6); without openid, no ID token.
    auto without_openid = portal_refresh(body(narrower)["refresh_token"], "email");
    ASSERT_EQ(without_openid.status, 200) << without_openid.body;
    EXPECT_EQ(body(without_openid)["scope"], "email");
    EXPECT_FALSE(body(without_openid).contains("id_token"));
}

TEST_F(ClientCredentialsGrant, ClientCredentialsGivesNoIdTokenAndOnlyApiScopes) {
    auto all = partner_call("/token", {{"grant_type", "client_credentials"}});
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(body(all)["scope"], "caf_api.read caf_api.write");
    EXPECT_FALSE(body(all).contains("id_token"));
    EXPECT_FALSE(body(all).contains("refresh_token"));

    auto one = partner_call("/token", {{"grant_type", "client_credentials"}, {"scope", "caf_api.read"}});
    EXPECT_EQ(body(one)["scope"], "caf_api.read");
    for (const char* scope : {"openid", "caf_api.read profile", "offline_access", "caf_api.admin"})
        EXPECT_EQ(error_of(partner_call("/token", {{"grant_type", "client_credentials"}, {"scope", scope}})),
                  "invalid_scope")
            << scope;

    auto token = jose::verify(body(all)["access_token"].get<std::string>(), keys_->jwks(clock_.now()),
                              {jose::Algorithm::RS256});
    ASSERT_TRUE(token.has_value());
    EXPECT_EQ(nlohmann::json::parse(token->payload)["sub"], "partner");
    EXPECT_EQ(userinfo(body(all)["access_token"]).status, 403);
}

TEST_F(IssuedTokens, IdTokenHasEveryRequiredClaim) {
    auto code = issue_code("portal", portal_redirect);
    auto tokens = body(redeem_portal_code(code));
    auto verified = jose::verify(tokens["id_token"].get<std::string>(), keys_->jwks(clock_.now()),
                                 {jose::Algorithm::RS256});
    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->header["typ"], "JWT");
    EXPECT_TRUE(verified->header.contains("kid"));
    auto claims = nlohmann::json::parse(verified->payload);
    EXPECT_EQ(claims["iss"], issuer);
    EXPECT_EQ(claims["sub"], subject_of(*ctx_, account_));
    EXPECT_EQ(claims["aud"], "portal");
    EXPECT_EQ(claims["azp"], "portal");
    EXPECT_EQ(claims["iat"], now());
    EXPECT_EQ(claims["exp"], now() + config_.oidc.id_token_lifetime);
    EXPECT_EQ(claims["auth_time"], now() - 5);
    EXPECT_EQ(claims["nonce"], "n-0S6_WzA2Mj");
    EXPECT_EQ(claims["acr"], "eidas1");
    EXPECT_EQ(claims["amr"], nlohmann::json({"pwd"}));
    EXPECT_EQ(claims["sid"], "sid-of-the-session");
    auto digest = crypto::sha256(tokens["access_token"].get<std::string>());
    EXPECT_EQ(claims["at_hash"], crypto::base64url_encode(digest.substr(0, 16)));
    // Personal data stays at userinfo unless the client asked for it with the claims parameter:
    // an ID token travels in id_token_hint URLs and lands in proxy logs.
    for (const char* personal : {"given_name", "family_name", "email", "email_verified", "phone_number", "caf_nir"})
        EXPECT_FALSE(claims.contains(personal)) << personal;
}

TEST_F(IssuedTokens, IdTokenCarriesThePersonalClaimsAskedWithTheClaimsParameterWithinTheScope) {
    // As /authorize stores {"id_token": {"given_name": null, "phone_number": null}} for a grant of
    // "openid profile email": phone_number is outside the grant.
    auto tokens = body(redeem_portal_code(
        issue_code("portal", portal_redirect, {{"id_token_claims", {"given_name", "phone_number"}}})));
    auto claims = id_token_claims(tokens["id_token"]);
    EXPECT_EQ(claims["given_name"], "Marie");
    EXPECT_FALSE(claims.contains("family_name"));
    EXPECT_FALSE(claims.contains("email"));
    EXPECT_FALSE(claims.contains("phone_number"));
    EXPECT_EQ(body(userinfo(tokens["access_token"]))["family_name"], "Curie") << "userinfo still has all of the scope";
}

TEST_F(IssuedTokens, NirNeverInTheIdTokenAndAtUserinfoOnlyUnderTheCafNirScope) {
    auto redeem = [&](const std::string& scope, nlohmann::json extra = nlohmann::json::object()) {
        extra["scope"] = scope;
        auto response = call("POST", "/token",
                             {{"grant_type", "authorization_code"},
                              {"code", issue_code("jwt-client", jwt_client_redirect, extra)},
                              {"redirect_uri", jwt_client_redirect},
                              {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                              {"client_assertion", client_assertion()}});
        EXPECT_EQ(response.status, 200) << response.body;
        return body(response);
    };
    // A client allowed the NIR, without the scope: no NIR anywhere.
    auto without = redeem("openid profile");
    EXPECT_FALSE(id_token_claims(without["id_token"]).contains("caf_nir"));
    EXPECT_FALSE(body(userinfo(without["access_token"])).contains("caf_nir"));
    // With the scope, and even asked with the claims parameter: at userinfo only.
    auto with = redeem("openid profile caf_nir", {{"id_token_claims", {"caf_nir", "given_name"}}});
    auto id_token = id_token_claims(with["id_token"]);
    EXPECT_FALSE(id_token.contains("caf_nir"));
    EXPECT_EQ(id_token["given_name"], "Marie");
    EXPECT_EQ(body(userinfo(with["access_token"]))["caf_nir"], "2840775123456");
}

TEST_F(IssuedTokens, NirNotReleasedToAClientNotAllowedItEvenWithTheScope) {
    // The portal is not allowed the NIR: a grant naming caf_nir (which /authorize would refuse)
    // still releases nothing.
    auto tokens = body(redeem_portal_code(issue_code("portal", portal_redirect, {{"scope", "openid caf_nir"}})));
    EXPECT_FALSE(body(userinfo(tokens["access_token"])).contains("caf_nir"));
}

TEST_F(IssuedTokens, AccessTokenIsAtJwtVerifiableWithJwks) {
    auto tokens = body(redeem_portal_code(issue_code("portal", portal_redirect)));
    EXPECT_EQ(tokens["token_type"], "Bearer");
    EXPECT_EQ(tokens["expires_in"], config_.oidc.access_token_lifetime);
    auto verified = jose::verify(tokens["access_token"].get<std::string>(), keys_->jwks(clock_.now()),
                                 {jose::Algorithm::RS256});
    ASSERT_TRUE(verified.has_value());
    EXPECT_EQ(verified->header["typ"], "at+jwt");
    EXPECT_EQ(verified->header["alg"], "RS256");
    EXPECT_TRUE(verified->header.contains("kid"));
    auto claims = nlohmann::json::parse(verified->payload);
    EXPECT_EQ(claims["iss"], issuer);
    EXPECT_EQ(claims["sub"], subject_of(*ctx_, account_));
    EXPECT_EQ(claims["aud"], issuer + "/userinfo") << "asked without a resource: userinfo's, never the issuer alone";
    EXPECT_EQ(claims["client_id"], "portal");
    EXPECT_EQ(claims["scope"], "email openid profile");
    EXPECT_TRUE(claims["jti"].is_string());
    EXPECT_EQ(claims["iat"], now());
    EXPECT_EQ(claims["exp"], now() + config_.oidc.access_token_lifetime);
    EXPECT_EQ(claims["auth_time"], now() - 5);
    EXPECT_EQ(claims["acr"], "eidas1");
}

TEST_F(Userinfo, UserinfoReturnsScopeClaimsAndRefusesRevokedToken) {
    auto tokens = body(redeem_portal_code(issue_code("portal", portal_redirect)));
    std::string access = tokens["access_token"];

    auto by_header = userinfo(access);
    ASSERT_EQ(by_header.status, 200) << by_header.body;
    auto claims = body(by_header);
    EXPECT_EQ(claims["sub"], subject_of(*ctx_, account_));
    EXPECT_EQ(claims["given_name"], "Marie");
    EXPECT_EQ(claims["email"], "marie@example.fr");
    EXPECT_FALSE(claims.contains("phone_number"));

    EXPECT_EQ(call("POST", "/userinfo", {{"access_token", access}}).status, 200);
    EXPECT_EQ(call("POST", "/userinfo", {{"access_token", access}}, {{"Authorization", "Bearer " + access}}).status, 400);
    EXPECT_EQ(call("GET", "/userinfo", {}, {}, "access_token=" + access).status, 400);
    EXPECT_EQ(call("GET", "/userinfo", {}).status, 401);
    // An ID token is not an access token.
    EXPECT_EQ(userinfo(tokens["id_token"]).status, 401);

    ASSERT_EQ(call("POST", "/revoke", {{"token", access}}, {{"Authorization", basic("portal", portal_secret)}}).status, 200);
    auto refused = userinfo(access);
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(error_of(refused), "invalid_token");
    ASSERT_TRUE(refused.headers.get("WWW-Authenticate"));
    EXPECT_NE(refused.headers.get("WWW-Authenticate")->find("invalid_token"), std::string::npos);
}

TEST_F(Userinfo, AlgNoneAccessTokenRefusedAtUserinfo) {
    std::string access = body(redeem_portal_code(issue_code("portal", portal_redirect)))["access_token"];
    auto payload = access.substr(access.find('.') + 1, access.rfind('.') - access.find('.') - 1);
    for (const char* alg : {"none", "None", "HS256"}) {
        auto header = crypto::base64url_encode(nlohmann::json{{"alg", alg}, {"typ", "at+jwt"}}.dump());
        EXPECT_EQ(userinfo(header + "." + payload + ".").status, 401) << alg;
    }
    // The same claims re-signed with HS256 keyed by the public key would be a classic confusion.
    auto forged = jose::sign({{"typ", "at+jwt"}}, *crypto::base64url_decode(payload),
                             jose::SigningKey{"", jose::Secret{std::string(64, 'x')}}, jose::Algorithm::HS256);
    ASSERT_TRUE(forged.has_value());
    EXPECT_EQ(userinfo(*forged).status, 401);
    EXPECT_EQ(userinfo(access).status, 200);
}

TEST_F(Introspection, AClientThatIsNeitherTheTokensNorAResourceServerOfItsAudienceLearnsNothing) {
    std::string access = body(redeem_portal_code(issue_code("portal", portal_redirect)))["access_token"];
    auto other = [&](const std::string& token) {
        return call("POST", "/introspect", {{"token", token}, {"client_id", "other-api"}, {"client_secret", other_api_secret}});
    };
    auto answer = other(access);
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(body(answer), (nlohmann::json{{"active", false}})) << "RFC 7662 §2.2: no detail to a stranger";

    // The token's own client, and a resource server of its audience (userinfo's), do see it.
    auto own = call("POST", "/introspect", {{"token", access}}, {{"Authorization", basic("portal", portal_secret)}});
    EXPECT_EQ(body(own)["active"], true);
    EXPECT_EQ(body(partner_call("/introspect", {{"token", access}}))["active"], true);

    // Its own client_credentials token stays introspectable to itself.
    std::string mine = body(call("POST", "/token", {{"grant_type", "client_credentials"}, {"client_id", "other-api"},
                                                    {"client_secret", other_api_secret}}))["access_token"];
    EXPECT_EQ(body(other(mine))["active"], true);
    // Its audience is the client itself (no [[resources]] entry takes its scopes): nobody else's.
    EXPECT_EQ(body(partner_call("/introspect", {{"token", mine}}))["active"], false);
}

TEST_F(Introspection, IntrospectionOfActiveExpiredRevokedAndUnknown) {
    auto tokens = body(redeem_portal_code(issue_code("portal", portal_redirect)));
    std::string access = tokens["access_token"];
    std::string refresh = tokens["refresh_token"];

    auto active = body(partner_call("/introspect", {{"token", access}, {"token_type_hint", "access_token"}}));
    EXPECT_EQ(active["active"], true);
    EXPECT_EQ(active["client_id"], "portal");
    EXPECT_EQ(active["scope"], "email openid profile");
    EXPECT_EQ(active["sub"], subject_of(*ctx_, account_));
    EXPECT_EQ(active["iss"], issuer);
    EXPECT_EQ(active["aud"], issuer + "/userinfo");
    EXPECT_EQ(active["token_type"], "Bearer");
    EXPECT_TRUE(active.contains("exp") && active.contains("iat") && active.contains("jti"));

    // A refresh token only to its own client.
    EXPECT_EQ(body(partner_call("/introspect", {{"token", refresh}}))["active"], false);
    auto own = body(call("POST", "/introspect", {{"token", refresh}}, {{"Authorization", basic("portal", portal_secret)}}));
    EXPECT_EQ(own["active"], true);
    EXPECT_EQ(own["token_type"], "refresh_token");
    EXPECT_EQ(own["client_id"], "portal");
    EXPECT_EQ(own["sub"], subject_of(*ctx_, account_));

    EXPECT_EQ(body(partner_call("/introspect", {{"token", "not-a-token"}}))["active"], false);
    EXPECT_EQ(body(partner_call("/introspect", {{"token", "a.b.c"}}))["active"], false);

    std::string other = body(redeem_portal_code(issue_code("portal", portal_redirect)))["access_token"];
    call("POST", "/revoke", {{"token", other}}, {{"Authorization", basic("portal", portal_secret)}});
    EXPECT_EQ(body(partner_call("/introspect", {{"token", other}}))["active"], false);

    clock_.advance(std::chrono::seconds(config_.oidc.access_token_lifetime + 1));
    EXPECT_EQ(body(partner_call("/introspect", {{"token", access}}))["active"], false);

    auto anonymous = call("POST", "/introspect", {{"token", access}});
    EXPECT_EQ(error_of(anonymous), "invalid_client");
}

TEST_F(Revocation, RevocationIsIdempotentAndScopedToTheClient) {
    auto tokens = body(redeem_portal_code(issue_code("portal", portal_redirect)));
    std::string refresh = tokens["refresh_token"];
    std::string access = tokens["access_token"];

    // Another client's attempt answers the same and changes nothing.
    auto foreign = partner_call("/revoke", {{"token", refresh}});
    EXPECT_EQ(foreign.status, 200);
    EXPECT_TRUE(foreign.body.empty());
    EXPECT_EQ(partner_call("/revoke", {{"token", access}}).status, 200);
    EXPECT_EQ(userinfo(access).status, 200);

    auto portal_revoke = [&](const std::string& token) {
        return call("POST", "/revoke", {{"token", token}, {"token_type_hint", "refresh_token"}},
                    {{"Authorization", basic("portal", portal_secret)}});
    };
    EXPECT_EQ(portal_revoke(refresh).status, 200);
    EXPECT_EQ(portal_revoke(refresh).status, 200);
    EXPECT_EQ(portal_revoke("never-issued").status, 200);

    EXPECT_EQ(error_of(portal_refresh(refresh)), "invalid_grant");
    EXPECT_EQ(userinfo(access).status, 401);  // the family's access tokens go with it
    EXPECT_TRUE(contains(audit_actions(), "oidc.token_revoked"));
    EXPECT_EQ(error_of(call("POST", "/revoke", {}, {{"Authorization", basic("portal", portal_secret)}})),
              "invalid_request");
}

TEST_F(TokenEndpoint, ResponsesAreNoStore) {
    auto no_store = [](const http::Response& r) { return r.headers.get("Cache-Control") == std::optional<std::string_view>("no-store"); };
    auto tokens = redeem_portal_code(issue_code("portal", portal_redirect));
    EXPECT_TRUE(no_store(tokens));
    EXPECT_TRUE(no_store(redeem_portal_code("unknown")));
    EXPECT_TRUE(no_store(call("POST", "/token", {{"grant_type", "authorization_code"}},
                              {{"Authorization", basic("portal", "wrong")}})));
    std::string access = body(tokens)["access_token"];
    EXPECT_TRUE(no_store(userinfo(access)));
    EXPECT_TRUE(no_store(userinfo("garbage")));
    EXPECT_TRUE(no_store(partner_call("/introspect", {{"token", access}})));
    EXPECT_TRUE(no_store(partner_call("/revoke", {{"token", access}})));
}

// --- follow-ups: replay across nodes, authentication context on refresh, RFC 6750 §3.1 ---

TEST_F(ClientAuthentication, AssertionReplayedToAnotherNodeIsRefused) {
    // A second node: its own Database object on the same store, its own context and routes.
    auto other_db = storage::open_database("sqlite:" + (tmp_.path() / "store.db").string());
    ProviderContext other_ctx{config_, *clients_, *keys_, *other_db, claims_, *pages_,
                              csrf_, clock_, system_random(), "subject-secret"};
    http::Router other_node;
    register_backchannel_routes(other_node, other_ctx);
    auto redeem_at = [&](http::Router& node, const std::string& assertion) {
        http::Request request;
        request.method = "POST";
        request.path = request.target = "/token";
        request.headers.set("Content-Type", "application/x-www-form-urlencoded");
        request.body = http::encode_params({{"grant_type", "authorization_code"},
                                            {"code", issue_code("jwt-client", jwt_client_redirect)},
                                            {"redirect_uri", jwt_client_redirect},
                                            {"client_assertion_type", std::string(client_auth::jwt_bearer_assertion_type)},
                                            {"client_assertion", assertion}});
        return node.find("POST", "/token").route->handler(request);
    };
    auto assertion = client_assertion();
    ASSERT_EQ(redeem_at(router_, assertion).status, 200);
    auto replay = redeem_at(other_node, assertion);
    EXPECT_EQ(replay.status, 400);
    EXPECT_EQ(error_of(replay), "invalid_client");
    EXPECT_EQ(redeem_at(other_node, client_assertion()).status, 200) << "a fresh assertion is fine on either node";
}

TEST_F(ClientAuthentication, OverlongJtiIsRefused) {
    auto response = call("POST", "/token",
                         {{"grant_type", "authorization_code"},
                          {"code", issue_code("jwt-client", jwt_client_redirect)},
                          {"redirect_uri", jwt_client_redirect},
                          {"client_assertion_type", std::string(client_auth::jwt_bearer_assertion_type)},
                          {"client_assertion", client_assertion({{"jti", std::string(256, 'j')}})}});
    EXPECT_EQ(error_of(response), "invalid_client");
}

class RefreshContext : public BackchannelTest {
protected:
    nlohmann::json id_token_claims(const http::Response& response) {
        auto verified = jose::verify(body(response)["id_token"].get<std::string>(), keys_->jwks(clock_.now()),
                                     {jose::Algorithm::RS256, jose::Algorithm::ES256});
        EXPECT_TRUE(verified.has_value());
        return verified ? nlohmann::json::parse(verified->payload) : nlohmann::json::object();
    }
    // The SSO session the fixture's codes name (login::digest("session-cookie")).
    void open_fixture_session(std::int64_t auth_time) {
        storage::Session s;
        s.digest = login::digest("session-cookie");
        s.account_id = account_;
        s.auth_time = auth_time;
        s.amr = {"pwd"};
        s.acr = "eidas1";
        s.created_at = auth_time;
        s.last_seen_at = now();
        s.idle_expires_at = now() + 1800;
        s.absolute_expires_at = now() + 3600;
        storage::Sessions(*db_).create(s);
    }
    http::Response mobile_token(http::Params form) {
        form.emplace_back("client_id", "mobile");
        return call("POST", "/token", form);
    }
};

TEST_F(RefreshContext, OfflineRefreshAfterTheSessionEndedKeepsAuthTimeAcrAndAmr) {
    open_fixture_session(now() - 5);
    auto code = issue_code("mobile", mobile_redirect,
                           {{"scope", "openid offline_access"},
                            {"code_challenge", pkce_challenge(verifier)},
                            {"code_challenge_method", "S256"},
                            {"acr", "eidas2"},
                            {"amr", {"fc", "pwd"}}});
    auto first = mobile_token({{"grant_type", "authorization_code"}, {"code", code},
                               {"redirect_uri", mobile_redirect}, {"code_verifier", verifier}});
    ASSERT_EQ(first.status, 200) << first.body;
    const std::int64_t auth_time = now() - 5;

    // The person logs out: the SSO session ends, the offline_access grant lives on.
    db_->transaction([&](storage::Connection& c) { storage::end_session(c, login::digest("session-cookie"), now()); });
    clock_.advance(std::chrono::hours(2));

    auto refreshed = mobile_token({{"grant_type", "refresh_token"}, {"refresh_token", body(first)["refresh_token"]}});
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    auto claims = id_token_claims(refreshed);
    EXPECT_EQ(claims["auth_time"], auth_time);
    EXPECT_EQ(claims["acr"], "eidas2");
    EXPECT_EQ(claims["amr"], nlohmann::json({"fc", "pwd"}));

    // And again after a second rotation.
    auto again = mobile_token({{"grant_type", "refresh_token"}, {"refresh_token", body(refreshed)["refresh_token"]}});
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(id_token_claims(again)["auth_time"], auth_time);
}

TEST_F(RefreshContext, RefreshWithoutAnySessionRowKeepsTheCodesContext) {
    // The fixture's codes name a session that was never stored (or was purged since).
    auto tokens = body(redeem_portal_code(issue_code("portal", portal_redirect)));
    const std::int64_t auth_time = now() - 5;
    clock_.advance(std::chrono::minutes(10));
    auto refreshed = portal_refresh(tokens["refresh_token"]);
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    auto claims = id_token_claims(refreshed);
    EXPECT_EQ(claims["auth_time"], auth_time);
    EXPECT_EQ(claims["acr"], "eidas1");
    EXPECT_EQ(claims["amr"], nlohmann::json({"pwd"}));
}

TEST_F(Userinfo, NoAccessTokenAtAllGetsTheBareBearerChallenge) {
    for (const auto& response : {call("GET", "/userinfo", {}), call("POST", "/userinfo", {})}) {
        EXPECT_EQ(response.status, 401);
        EXPECT_EQ(response.headers.get("WWW-Authenticate").value_or(""), "Bearer realm=\"cafconnect\"");
        EXPECT_EQ(response.body.find("error"), std::string::npos) << response.body;
        EXPECT_EQ(response.headers.get("Cache-Control").value_or(""), "no-store");
    }
}

TEST_F(Userinfo, InvalidAccessTokenKeepsTheInvalidTokenError) {
    auto response = userinfo("garbage");
    EXPECT_EQ(response.status, 401);
    auto challenge = std::string(response.headers.get("WWW-Authenticate").value_or(""));
    EXPECT_EQ(challenge.rfind("Bearer realm=\"cafconnect\", error=\"invalid_token\"", 0), 0u) << challenge;
    EXPECT_EQ(error_of(response), "invalid_token");
}

TEST_F(Revocation, PublicClientRevokesItsOwnTokensWithNoSecret) {
    auto code = issue_code("mobile", mobile_redirect,
                           {{"scope", "openid offline_access"},
                            {"code_challenge", pkce_challenge(verifier)},
                            {"code_challenge_method", "S256"}});
    auto tokens = body(call("POST", "/token",
                            {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", mobile_redirect},
                             {"code_verifier", verifier}, {"client_id", "mobile"}}));
    std::string refresh = tokens["refresh_token"];
    EXPECT_EQ(call("POST", "/revoke", {{"token", refresh}, {"client_id", "mobile"}}).status, 200);
    EXPECT_EQ(error_of(call("POST", "/token",
                            {{"grant_type", "refresh_token"}, {"refresh_token", refresh}, {"client_id", "mobile"}})),
              "invalid_grant");
}

}  // namespace
}  // namespace caf::oidc::test
