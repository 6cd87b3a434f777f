// Pushed authorization requests (RFC 9126) without a server: POST /par validated as /authorize
// validates, and /authorize taking a request_uri back once, for its client, before it expires —
// handlers called directly over a real SQLite store.
#include <fstream>

#include "core/crypto.hpp"
#include "core/router.hpp"
#include "oidc/backchannel_routes.hpp"
#include "oidc/authorize/authorize_endpoint.hpp"
#include "oidc/client_auth/client_authentication.hpp"
#include "oidc/discovery/discovery_endpoint.hpp"
#include "oidc/par/par_endpoint.hpp"
#include "oidc/par/pushed_authorization.hpp"
#include "provider_browser_fixture.hpp"
#include "storage/authorization_codes.hpp"
#include "storage/pushed_requests.hpp"

namespace caf::oidc::test {
namespace {

using namespace std::chrono_literals;

const std::string portal_secret = "portal-secret-0123456789";
const std::string strict_secret = "strict-secret-0123456789";
constexpr const char* strict_callback = "https://strict.caf.test/callback";
const std::string par_endpoint = std::string(issuer) + "/par";

class PushedAuthorization : public ProviderBrowserTest {
protected:
    PushedAuthorization() {
        config_.clients[0].secret_sha256 = crypto::hex_encode(crypto::sha256(portal_secret));
        // A client that must push its requests, authenticating with client_secret_post.
        config::ClientConfig strict;
        strict.client_id = "caf-strict";
        strict.name = "Service strict";
        strict.auth_method = "client_secret_post";
        strict.secret_sha256 = crypto::hex_encode(crypto::sha256(strict_secret));
        strict.redirect_uris = {strict_callback};
        strict.scopes = {"openid", "profile"};
        strict.first_party = true;
        strict.require_pushed_authorization_requests = true;
        config_.clients.push_back(strict);
        // A private_key_jwt client.
        config::ClientConfig jwt;
        jwt.client_id = "jwt-client";
        jwt.auth_method = "private_key_jwt";
        jwt.redirect_uris = {partner_callback};
        jwt.scopes = {"openid", "profile"};
        jwt.first_party = true;
        jwt.jwks_file = tmp_.path() / "jwt-client.jwks.json";
        std::ofstream(*jwt.jwks_file) << nlohmann::json{{"keys", {public_jwk_of(client_key_).to_json()}}}.dump();
        config_.clients.push_back(jwt);
        clients_ = ClientRegistry::from_config(config_);  // ctx_ refers to this object
    }

    static std::string basic(const std::string& id, const std::string& secret) {
        return "Basic " + crypto::base64_encode(http::url_encode(id) + ":" + http::url_encode(secret));
    }

    http::Response push(const http::Params& form, const std::string& authorization = "") {
        auto request = post("/par", form);
        if (!authorization.empty()) request.headers.set("Authorization", authorization);
        return par::handle_par(request, ctx_, authenticator_, par_endpoint);
    }
    http::Response push_portal(http::Params form = portal_request()) {
        return push(form, basic("caf-portal", portal_secret));
    }
    // The request_uri of a successful push.
    std::string request_uri_of(const http::Response& response) {
        EXPECT_EQ(response.status, 201) << response.body;
        return nlohmann::json::parse(response.body, nullptr, false).value("request_uri", "");
    }
    static std::string error_of(const http::Response& response) {
        return nlohmann::json::parse(response.body, nullptr, false).value("error", "");
    }
    http::Response authorize(const http::Params& params, const std::string& cookies = "") {
        return handle_authorize(ctx_, get("/authorize", params, cookies));
    }
    static bool is_error_page(const http::Response& response) {
        return response.status == 400 && !response.headers.get("Location");
    }
    std::string client_assertion(const std::string& audience) {
        nlohmann::json claims{{"iss", "jwt-client"}, {"sub", "jwt-client"}, {"aud", audience},
                              {"iat", now()},        {"exp", now() + 60},   {"jti", random_token(random_, 12)}};
        return *jose::sign({{"typ", "JWT"}}, claims.dump(), client_key_, jose::Algorithm::RS256);
    }

    jose::SigningKey client_key_ = signing_key_for(jose::Algorithm::RS256, "jwt-client-key");
    client_auth::ClientAuthenticator authenticator_{ctx_};
};

// --- POST /par ---

TEST_F(PushedAuthorization, ParIsABlockingPostRouteAnsweringAsTheHandler) {
    http::Router router;
    register_backchannel_routes(router, ctx_);
    auto match = router.find("POST", "/par");
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(match.route->execution, http::Execution::blocking);
    auto request = post("/par", portal_request());
    request.headers.set("Authorization", basic("caf-portal", portal_secret));
    EXPECT_EQ(match.route->handler(request).status, 201);
}

TEST_F(PushedAuthorization, PortalPushesWithBasicAndGetsAShortLivedRequestUriNotToBeCached) {
    auto response = push_portal();
    ASSERT_EQ(response.status, 201) << response.body;
    EXPECT_EQ(response.headers.get("Cache-Control"), "no-store");
    auto body = nlohmann::json::parse(response.body);
    auto request_uri = body.value("request_uri", "");
    EXPECT_TRUE(request_uri.starts_with("urn:ietf:params:oauth:request_uri:")) << request_uri;
    EXPECT_GE(request_uri.size(), std::string_view(par::request_uri_prefix).size() + 43) << "256 random bits";
    EXPECT_EQ(body.value("expires_in", 0), 60);
    EXPECT_NE(request_uri, request_uri_of(push_portal())) << "each push has its own request_uri";
}

TEST_F(PushedAuthorization, TheStoreKeepsOnlyADigestOfTheRequestUriAndNoCredentials) {
    auto request_uri = request_uri_of(push(portal_request({{"client_id", "caf-strict"},
                                                           {"redirect_uri", strict_callback},
                                                           {"client_secret", strict_secret}})));
    auto raw = db_->read([&](storage::Connection& c) {
        return c.query_one("SELECT COUNT(*) AS n FROM pushed_authorization_requests WHERE digest = ?",
                           {storage::Blob{request_uri}})->integer("n");
    });
    EXPECT_EQ(raw, 0);
    auto stored = storage::PushedRequests(*db_).consume(login::digest(request_uri), "caf-strict", now());
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->params.value("state", ""), "etat-123");
    EXPECT_FALSE(stored->params.contains("client_secret"));
}

TEST_F(PushedAuthorization, AWrongSecretIsInvalidClientWith401) {
    auto response = push(portal_request(), basic("caf-portal", "not-the-secret-0000"));
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(error_of(response), "invalid_client");
    EXPECT_TRUE(response.headers.get("WWW-Authenticate").has_value());
}

TEST_F(PushedAuthorization, AConfidentialClientWithoutCredentialsIsInvalidClient) {
    auto response = push(portal_request());
    EXPECT_EQ(error_of(response), "invalid_client");
}

TEST_F(PushedAuthorization, APublicClientPushesWithItsClientIdAndMustSendPkce) {
    http::Params mobile{{"response_type", "code"}, {"client_id", "caf-mobile"}, {"redirect_uri", mobile_callback},
                        {"scope", "openid profile"}, {"state", "etat-mobile"}};
    auto without_pkce = push(mobile);
    EXPECT_EQ(without_pkce.status, 400);
    EXPECT_EQ(error_of(without_pkce), "invalid_request");
    mobile.emplace_back("code_challenge", challenge);
    mobile.emplace_back("code_challenge_method", "S256");
    EXPECT_EQ(push(mobile).status, 201);
}

TEST_F(PushedAuthorization, PrivateKeyJwtIsAcceptedWithTheParEndpointOrTheIssuerAsAudience) {
    auto form = [&](const std::string& audience) {
        return http::Params{{"response_type", "code"},
                            {"redirect_uri", partner_callback},
                            {"scope", "openid"},
                            {"client_assertion_type", std::string(client_auth::jwt_bearer_assertion_type)},
                            {"client_assertion", client_assertion(audience)}};
    };
    EXPECT_EQ(push(form(par_endpoint)).status, 201);
    EXPECT_EQ(push(form(issuer)).status, 201);
    auto elsewhere = push(form("https://elsewhere.test/par"));
    EXPECT_EQ(error_of(elsewhere), "invalid_client");
}

TEST_F(PushedAuthorization, AnUnregisteredRedirectUriIsRefused) {
    auto response = push_portal(portal_request({{"redirect_uri", "https://evil.test/callback"}}));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(error_of(response), "invalid_redirect_uri");
    EXPECT_EQ(response.headers.get("Cache-Control"), "no-store");
}

TEST_F(PushedAuthorization, ARequestUriInTheBodyIsRefused) {
    auto response = push_portal(portal_request({{"request_uri", "urn:ietf:params:oauth:request_uri:abc"}}));
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(error_of(response), "invalid_request");
}

TEST_F(PushedAuthorization, TheAuthorizeValidationApplies) {
    EXPECT_EQ(error_of(push_portal(portal_request({{"scope", "profile"}}))), "invalid_scope");
    EXPECT_EQ(error_of(push_portal(portal_request({{"scope", "openid caf_nir"}}))), "invalid_scope");
    EXPECT_EQ(error_of(push_portal(portal_request({{"response_type", "token"}}))), "unsupported_response_type");
    EXPECT_EQ(error_of(push_portal(portal_request({{"code_challenge", "short"}, {"code_challenge_method", "S256"}}))),
              "invalid_request");
    EXPECT_EQ(error_of(push_portal(portal_request({{"prompt", "none login"}}))), "invalid_request");
}

TEST_F(PushedAuthorization, AClientIdOtherThanTheAuthenticatedClientIsRefused) {
    auto response = push(portal_request({{"client_id", "caf-mobile"}}), basic("caf-portal", portal_secret));
    EXPECT_EQ(response.status, 400);
    EXPECT_NE(error_of(response), "");
}

// --- /authorize with a request_uri ---

TEST_F(PushedAuthorization, ThePushedParametersAreUsedThroughTheLoginAndFrontChannelOnesIgnored) {
    auto request_uri = request_uri_of(push_portal(portal_request({{"state", "etat-pousse"}})));
    auto response = authorize({{"client_id", "caf-portal"},
                               {"request_uri", request_uri},
                               {"redirect_uri", "https://evil.test/callback"},
                               {"state", "etat-du-navigateur"},
                               {"prompt", "none"}});
    ASSERT_EQ(response.status, 302) << response.body;
    auto login_page = parse_location(response.headers.get("Location").value_or(""));
    ASSERT_EQ(login_page.base, login::login_path) << "prompt=none of the front channel is ignored";
    auto interaction = login_page.param("interaction");

    // The login completes after the request_uri was consumed: the interaction holds the request.
    auto account = create_account();
    auto session = open_session(account, now());
    complete_interaction(interaction, account, session, now());
    auto resumed = handle_authorize_resume(
        ctx_, get(std::string(login::resume_path), {{"interaction", interaction}}, session_cookie(session)));
    ASSERT_EQ(resumed.status, 302) << resumed.body;
    auto callback = parse_location(resumed.headers.get("Location").value_or(""));
    EXPECT_EQ(callback.base, portal_callback);
    EXPECT_EQ(callback.param("state"), "etat-pousse");
    ASSERT_TRUE(callback.has("code"));
    auto code = storage::AuthorizationCodes{*db_}.consume(login::digest(callback.param("code")), now());
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(code->code.payload.value("redirect_uri", ""), portal_callback);
    EXPECT_EQ(code->code.payload.value("nonce", ""), "n-0S6_WzA2Mj");
}

TEST_F(PushedAuthorization, WithASessionThePushedRequestIsAnsweredAtOnce) {
    auto session = open_session(create_account(), now() - 60);
    auto request_uri = request_uri_of(push_portal());
    auto response = authorize({{"client_id", "caf-portal"}, {"request_uri", request_uri}}, session_cookie(session));
    ASSERT_EQ(response.status, 302);
    auto callback = parse_location(response.headers.get("Location").value_or(""));
    EXPECT_EQ(callback.base, portal_callback);
    EXPECT_TRUE(callback.has("code"));
    EXPECT_EQ(callback.param("state"), "etat-123");
}

TEST_F(PushedAuthorization, ARequestUriWorksOnce) {
    auto request_uri = request_uri_of(push_portal());
    ASSERT_EQ(authorize({{"client_id", "caf-portal"}, {"request_uri", request_uri}}).status, 302);
    EXPECT_TRUE(is_error_page(authorize({{"client_id", "caf-portal"}, {"request_uri", request_uri}})));
}

TEST_F(PushedAuthorization, AnExpiredRequestUriIsRefused) {
    auto request_uri = request_uri_of(push_portal());
    clock_.advance(60s);
    EXPECT_TRUE(is_error_page(authorize({{"client_id", "caf-portal"}, {"request_uri", request_uri}})));
}

TEST_F(PushedAuthorization, TheConfiguredLifetimeIsTheRequestUriLifetime) {
    config_.oidc.request_uri_lifetime = 5;
    auto response = push_portal();
    EXPECT_EQ(nlohmann::json::parse(response.body).value("expires_in", 0), 5);
    clock_.advance(5s);
    EXPECT_TRUE(is_error_page(authorize({{"client_id", "caf-portal"}, {"request_uri", request_uri_of(response)}})));
}

TEST_F(PushedAuthorization, AnotherClientsRequestUriIsRefusedAndStaysUsableByItsClient) {
    auto request_uri = request_uri_of(push_portal());
    EXPECT_TRUE(is_error_page(authorize({{"client_id", "caf-mobile"}, {"request_uri", request_uri}})));
    EXPECT_EQ(authorize({{"client_id", "caf-portal"}, {"request_uri", request_uri}}).status, 302);
}

TEST_F(PushedAuthorization, ARequestUriNeedsTheClientId) {
    auto request_uri = request_uri_of(push_portal());
    EXPECT_TRUE(is_error_page(authorize({{"request_uri", request_uri}})));
    EXPECT_TRUE(is_error_page(authorize({{"client_id", "inconnu"}, {"request_uri", request_uri}})));
    EXPECT_TRUE(is_error_page(authorize({{"client_id", "caf-portal"},
                                         {"request_uri", std::string(par::request_uri_prefix) + "inconnu"}})));
}

TEST_F(PushedAuthorization, APlainRequestFromAClientThatMustPushIsInvalidRequest) {
    auto response = authorize(portal_request({{"client_id", "caf-strict"}, {"redirect_uri", strict_callback}}));
    ASSERT_EQ(response.status, 302);
    auto callback = parse_location(response.headers.get("Location").value_or(""));
    EXPECT_EQ(callback.base, strict_callback);
    EXPECT_EQ(callback.param("error"), "invalid_request");
    EXPECT_EQ(callback.param("error_description"), "pushed authorization request required");
    EXPECT_EQ(callback.param("state"), "etat-123");

    auto request_uri = request_uri_of(push(portal_request({{"client_id", "caf-strict"},
                                                           {"redirect_uri", strict_callback},
                                                           {"client_secret", strict_secret}})));
    auto pushed = authorize({{"client_id", "caf-strict"}, {"request_uri", request_uri}});
    ASSERT_EQ(pushed.status, 302);
    EXPECT_EQ(parse_location(pushed.headers.get("Location").value_or("")).base, login::login_path);
}

TEST_F(PushedAuthorization, TheGlobalRequirementAppliesToEveryClientAndDiscoverySaysSo) {
    DiscoveryEndpoint before(ctx_);
    auto doc = nlohmann::json::parse(before.handle(get("/.well-known/openid-configuration", {})).body);
    EXPECT_EQ(doc["pushed_authorization_request_endpoint"], par_endpoint);
    EXPECT_EQ(doc["require_pushed_authorization_requests"], false);
    EXPECT_EQ(parse_location(authorize(portal_request()).headers.get("Location").value_or("")).base,
              login::login_path);

    config_.oidc.require_pushed_authorization_requests = true;
    DiscoveryEndpoint after(ctx_);
    doc = nlohmann::json::parse(after.handle(get("/.well-known/openid-configuration", {})).body);
    EXPECT_EQ(doc["require_pushed_authorization_requests"], true);
    EXPECT_EQ(parse_location(authorize(portal_request()).headers.get("Location").value_or("")).param("error"),
              "invalid_request");
}

}  // namespace
}  // namespace caf::oidc::test
