// The browser-facing provider: discovery and JWKS, /authorize and its resume, consent, logout —
// handlers called directly with built requests over a real SQLite store.
#include <algorithm>

#include "core/router.hpp"
#include "oidc/authorize/authorization_flow.hpp"
#include "oidc/authorize/authorize_endpoint.hpp"
#include "oidc/browser_routes.hpp"
#include "oidc/consent/consent_endpoint.hpp"
#include "oidc/discovery/discovery_endpoint.hpp"
#include "oidc/logout/logout_endpoint.hpp"
#include "provider_browser_fixture.hpp"
#include "storage/audit_log.hpp"
#include "storage/authorization_codes.hpp"
#include "storage/tokens.hpp"

namespace caf::oidc::test {
namespace {

using namespace std::chrono_literals;

bool contains(const nlohmann::json& array, const std::string& value) {
    return std::find(array.begin(), array.end(), value) != array.end();
}

class Discovery : public ProviderBrowserTest {};
class Authorize : public ProviderBrowserTest {
protected:
    http::Response authorize(const http::Params& params, const std::string& cookies = "") {
        return handle_authorize(ctx_, get("/authorize", params, cookies));
    }
    Redirect authorize_redirect(const http::Params& params, const std::string& cookies = "") {
        auto response = authorize(params, cookies);
        EXPECT_EQ(response.status, 302) << response.body;
        return parse_location(response.headers.get("Location").value_or(""));
    }
    // Starts a login interaction; returns its id.
    std::string start_login(const http::Params& params, const std::string& cookies = "") {
        auto r = authorize_redirect(params, cookies);
        EXPECT_EQ(r.base, login::login_path);
        return r.param("interaction");
    }
    http::Response resume(const std::string& interaction, const std::string& cookies) {
        return handle_authorize_resume(ctx_, get(std::string(login::resume_path), {{"interaction", interaction}}, cookies));
    }
    // Redeems the code as the token endpoint would, to read what it stored.
    storage::AuthorizationCode stored_code(const std::string& code) {
        auto redemption = storage::AuthorizationCodes{*db_}.consume(login::digest(code), now());
        EXPECT_TRUE(redemption.has_value());
        return redemption->code;
    }
    std::string interaction_of(const http::Response& response) {
        return parse_location(response.headers.get("Location").value_or("")).param("interaction");
    }
};
class Consent : public Authorize {
protected:
    // A partner authorization through login; returns the consent page's interaction id.
    std::string consent_interaction(std::int64_t account, const std::string& session,
                                    const std::string& scope = "openid profile email") {
        auto id = start_login({{"response_type", "code"},
                               {"client_id", "partenaire"},
                               {"redirect_uri", partner_callback},
                               {"scope", scope},
                               {"state", "s-partenaire"}});
        complete_interaction(id, account, session, now());
        auto response = resume(id, session_cookie(session));
        EXPECT_EQ(response.status, 302);
        auto r = parse_location(response.headers.get("Location").value_or(""));
        EXPECT_EQ(r.base, consent_path);
        return r.param("interaction");
    }
    http::Response answer(const std::string& interaction, const std::string& decision, const std::string& session) {
        return handle_consent_answer(ctx_, post(std::string(consent_path),
                                                {{"csrf", csrf_token(consent_csrf_purpose)},
                                                 {"interaction", interaction},
                                                 {"decision", decision}},
                                                session_cookie(session) + "; " + csrf_cookie()));
    }
};
class Logout : public Authorize {
protected:
    http::Response logout(const http::Params& params, const std::string& cookies) {
        return handle_logout(ctx_, get(std::string(logout_path), params, cookies));
    }
};

// --- subject ---

TEST(Subject, IsStablePerAccountOpaqueAndDifferentBetweenAccounts) {
    auto a = subject_of("secret-of-32-bytes-at-least-0000", 42);
    EXPECT_EQ(a, subject_of("secret-of-32-bytes-at-least-0000", 42));
    EXPECT_NE(a, subject_of("secret-of-32-bytes-at-least-0000", 43));
    EXPECT_EQ(a.size(), 32u);
    EXPECT_EQ(a.find("42"), std::string::npos);
    EXPECT_EQ(sid_of("abc").size(), 32u);
    EXPECT_NE(sid_of("abc"), sid_of("abd"));
}

// --- discovery and JWKS ---

TEST_F(Discovery, DocumentNamesTheIssuerExactlyAndEveryEndpoint) {
    DiscoveryEndpoint endpoint(ctx_);
    auto response = endpoint.handle(get("/.well-known/openid-configuration", {}));
    ASSERT_EQ(response.status, 200);
    auto doc = nlohmann::json::parse(response.body);
    EXPECT_EQ(doc["issuer"], issuer);
    EXPECT_EQ(doc["authorization_endpoint"], std::string(issuer) + "/authorize");
    EXPECT_EQ(doc["token_endpoint"], std::string(issuer) + "/token");
    EXPECT_EQ(doc["userinfo_endpoint"], std::string(issuer) + "/userinfo");
    EXPECT_EQ(doc["jwks_uri"], std::string(issuer) + "/jwks");
    EXPECT_EQ(doc["introspection_endpoint"], std::string(issuer) + "/introspect");
    EXPECT_EQ(doc["revocation_endpoint"], std::string(issuer) + "/revoke");
    EXPECT_EQ(doc["end_session_endpoint"], std::string(issuer) + "/logout");
    EXPECT_EQ(doc["response_types_supported"], nlohmann::json({"code"}));
    EXPECT_EQ(doc["code_challenge_methods_supported"], nlohmann::json({"S256"}));
    EXPECT_EQ(doc["id_token_signing_alg_values_supported"], nlohmann::json({"RS256", "ES256"}));
    EXPECT_EQ(doc["authorization_response_iss_parameter_supported"], true);
    EXPECT_EQ(doc["request_parameter_supported"], false);
    EXPECT_EQ(doc["prompt_values_supported"], nlohmann::json({"none", "login", "consent", "create"}));
    EXPECT_TRUE(contains(doc["token_endpoint_auth_methods_supported"], "private_key_jwt"));
    EXPECT_TRUE(contains(doc["token_endpoint_auth_methods_supported"], "none"));
    // A public client revokes and introspects its own tokens (RFC 7009: the mobile app's logout).
    EXPECT_TRUE(contains(doc["revocation_endpoint_auth_methods_supported"], "none"));
    EXPECT_TRUE(contains(doc["introspection_endpoint_auth_methods_supported"], "none"));
    EXPECT_TRUE(contains(doc["revocation_endpoint_auth_methods_supported"], "private_key_jwt"));
    EXPECT_TRUE(contains(doc["scopes_supported"], "offline_access"));
    EXPECT_TRUE(contains(doc["scopes_supported"], "caf_api.read"));
    EXPECT_TRUE(contains(doc["scopes_supported"], "caf_nir"));
    EXPECT_EQ(doc["claims_parameter_supported"], true);
    EXPECT_TRUE(contains(doc["grant_types_supported"], "client_credentials"));
}

TEST_F(Discovery, DocumentIsCacheableAndAnswers304ToItsEtag) {
    DiscoveryEndpoint endpoint(ctx_);
    auto first = endpoint.handle(get("/.well-known/openid-configuration", {}));
    EXPECT_EQ(first.headers.get("Cache-Control"), "public, max-age=300");
    auto etag = std::string(first.headers.get("ETag").value_or(""));
    ASSERT_FALSE(etag.empty());

    auto request = get("/.well-known/openid-configuration", {});
    request.headers.set("If-None-Match", etag);
    auto second = endpoint.handle(request);
    EXPECT_EQ(second.status, 304);
    EXPECT_TRUE(second.body.empty());
    EXPECT_EQ(second.headers.get("ETag"), etag);

    request.headers.set("If-None-Match", "\"autre\"");
    EXPECT_EQ(endpoint.handle(request).status, 200);
}

TEST_F(Discovery, JwksPublishesPublicKeysAndChangesItsEtagOnlyWhenKeysChange) {
    JwksEndpoint endpoint(ctx_);
    auto first = endpoint.handle(get("/jwks", {}));
    ASSERT_EQ(first.status, 200);
    auto jwks = nlohmann::json::parse(first.body);
    ASSERT_EQ(jwks["keys"].size(), 2u);
    for (const auto& key : jwks["keys"]) EXPECT_FALSE(key.contains("d"));
    EXPECT_EQ(first.headers.get("Cache-Control"), "public, max-age=300");
    auto etag = std::string(first.headers.get("ETag").value_or(""));
    EXPECT_EQ(endpoint.handle(get("/jwks", {})).headers.get("ETag"), etag);

    keys_->rotate(jose::Algorithm::RS256, 3600s, 7200s);
    auto rotated = endpoint.handle(get("/jwks", {}));
    EXPECT_NE(rotated.headers.get("ETag"), etag);
    EXPECT_EQ(nlohmann::json::parse(rotated.body)["keys"].size(), 3u);
}

TEST_F(Discovery, RoutesAreRegisteredWithTheirExecutionKinds) {
    http::Router router;
    register_browser_routes(router, ctx_);
    auto kind = [&](std::string_view method, std::string_view path) {
        auto match = router.find(method, path);
        EXPECT_NE(match.route, nullptr) << method << " " << path;
        return match.route ? match.route->execution : http::Execution::inline_cpu;
    };
    EXPECT_EQ(kind("GET", "/.well-known/openid-configuration"), http::Execution::inline_cpu);
    EXPECT_EQ(kind("GET", "/jwks"), http::Execution::inline_cpu);
    EXPECT_EQ(kind("GET", "/authorize"), http::Execution::blocking);
    EXPECT_EQ(kind("POST", "/authorize"), http::Execution::blocking);
    EXPECT_EQ(kind("GET", "/authorize/resume"), http::Execution::blocking);
    EXPECT_EQ(kind("GET", "/consent"), http::Execution::blocking);
    EXPECT_EQ(kind("POST", "/consent"), http::Execution::blocking);
    EXPECT_EQ(kind("GET", "/logout"), http::Execution::blocking);
    EXPECT_EQ(kind("POST", "/logout"), http::Execution::blocking);
}

// --- /authorize: what may not be redirected ---

TEST_F(Authorize, UnknownClientShowsAFrenchErrorPageAndNeverRedirects) {
    auto response = authorize(portal_request({{"client_id", "inconnu"}}));
    EXPECT_EQ(response.status, 400);
    EXPECT_FALSE(response.headers.contains("Location"));
    EXPECT_NE(response.body.find("pas reconnue"), std::string::npos);
}

TEST_F(Authorize, UnregisteredRedirectUriShowsAnErrorPage) {
    auto response = authorize(portal_request({{"redirect_uri", "https://attaquant.test/callback"}}));
    EXPECT_EQ(response.status, 400);
    EXPECT_FALSE(response.headers.contains("Location"));
}

TEST_F(Authorize, RedirectUriWithAnAddedQueryOrPathShowsAnErrorPage) {
    for (std::string uri : {std::string(portal_callback) + "?x=1", std::string(portal_callback) + "/autre",
                            std::string(portal_callback) + "#f", std::string(portal_callback) + "/"}) {
        auto response = authorize(portal_request({{"redirect_uri", uri}}));
        EXPECT_EQ(response.status, 400) << uri;
        EXPECT_FALSE(response.headers.contains("Location")) << uri;
    }
}

TEST_F(Authorize, MissingRedirectUriShowsAnErrorPage) {
    auto response = authorize(without(portal_request(), "redirect_uri"));
    EXPECT_EQ(response.status, 400);
    EXPECT_FALSE(response.headers.contains("Location"));
}

// --- /authorize: errors sent back to the client ---

TEST_F(Authorize, MissingResponseTypeRedirectsWithInvalidRequestStateAndIss) {
    auto r = authorize_redirect(without(portal_request(), "response_type"));
    EXPECT_EQ(r.base, portal_callback);
    EXPECT_EQ(r.param("error"), "invalid_request");
    EXPECT_EQ(r.param("state"), "etat-123");
    EXPECT_EQ(r.param("iss"), issuer);
    EXPECT_FALSE(r.has("code"));
}

TEST_F(Authorize, OtherResponseTypeIsUnsupported) {
    EXPECT_EQ(authorize_redirect(portal_request({{"response_type", "token"}})).param("error"),
              "unsupported_response_type");
}

TEST_F(Authorize, RepeatedParameterIsInvalidRequest) {
    auto params = portal_request();
    params.emplace_back("scope", "openid email");
    EXPECT_EQ(authorize_redirect(params).param("error"), "invalid_request");
}

TEST_F(Authorize, RequestObjectsAreNotSupported) {
    EXPECT_EQ(authorize_redirect(portal_request({{"request", "eyJ.x.y"}})).param("error"), "request_not_supported");
    EXPECT_EQ(authorize_redirect(portal_request({{"request_uri", "https://x.test/r"}})).param("error"),
              "request_uri_not_supported");
}

TEST_F(Authorize, ScopeWithoutOpenidIsInvalidScope) {
    EXPECT_EQ(authorize_redirect(portal_request({{"scope", "profile email"}})).param("error"), "invalid_scope");
}

TEST_F(Authorize, ScopeTheClientIsNotRegisteredForIsInvalidScope) {
    EXPECT_EQ(authorize_redirect(portal_request({{"scope", "openid caf_api.read"}})).param("error"), "invalid_scope");
}

TEST_F(Authorize, CafNirScopeFromAClientNotAllowedTheNirIsInvalidScope) {
    EXPECT_EQ(authorize_redirect(portal_request({{"scope", "openid caf_nir"}})).param("error"), "invalid_scope");
}

TEST_F(Authorize, MalformedClaimsParameterIsInvalidRequest) {
    for (const char* claims : {"not json", "[1]", R"({"id_token": ["given_name"]})"})
        EXPECT_EQ(authorize_redirect(portal_request({{"claims", claims}})).param("error"), "invalid_request") << claims;
}

TEST_F(Authorize, ClaimsAskedForTheIdTokenAreKeptInTheCode) {
    auto account = create_account();
    auto id = start_login(portal_request({{"claims", R"({"id_token": {"given_name": null, "email": {"essential": true}},
                                                         "userinfo": {"birthdate": null}})"}}));
    auto session = open_session(account, now());
    complete_interaction(id, account, session, now() - 5);
    auto code = parse_location(resume(id, session_cookie(session)).headers.get("Location").value_or("")).param("code");
    EXPECT_EQ(stored_code(code).payload["id_token_claims"], nlohmann::json({"email", "given_name"}));
}

TEST_F(Authorize, PlainPkceIsRefused) {
    auto r = authorize_redirect(portal_request({{"code_challenge", challenge}, {"code_challenge_method", "plain"}}));
    EXPECT_EQ(r.param("error"), "invalid_request");
    auto implicit_plain = authorize_redirect(portal_request({{"code_challenge", challenge}}));
    EXPECT_EQ(implicit_plain.param("error"), "invalid_request");
}

TEST_F(Authorize, PublicClientWithoutCodeChallengeIsRefused) {
    auto r = authorize_redirect({{"response_type", "code"},
                                 {"client_id", "caf-mobile"},
                                 {"redirect_uri", mobile_callback},
                                 {"scope", "openid"},
                                 {"state", "m"}});
    EXPECT_EQ(r.base, mobile_callback);
    EXPECT_EQ(r.param("error"), "invalid_request");
    EXPECT_EQ(r.param("state"), "m");
}

TEST_F(Authorize, MalformedCodeChallengeIsRefused) {
    auto r = authorize_redirect(portal_request({{"code_challenge", "court"}, {"code_challenge_method", "S256"}}));
    EXPECT_EQ(r.param("error"), "invalid_request");
}

TEST_F(Authorize, PromptNoneMustBeAlone) {
    EXPECT_EQ(authorize_redirect(portal_request({{"prompt", "none login"}})).param("error"), "invalid_request");
}

TEST_F(Authorize, NegativeOrNonNumericMaxAgeIsInvalidRequest) {
    EXPECT_EQ(authorize_redirect(portal_request({{"max_age", "-1"}})).param("error"), "invalid_request");
    EXPECT_EQ(authorize_redirect(portal_request({{"max_age", "dix"}})).param("error"), "invalid_request");
}

TEST_F(Authorize, TamperedIdTokenHintIsInvalidRequest) {
    auto account = create_account();
    auto token = id_token_for(account, "caf-portal");
    auto dot = token.find('.');
    token[dot + 5] = token[dot + 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(authorize_redirect(portal_request({{"id_token_hint", token}})).param("error"), "invalid_request");
}

TEST_F(Authorize, IdTokenHintSignedWithAForeignKeyIsInvalidRequest) {
    auto account = create_account();
    nlohmann::json payload{{"iss", issuer}, {"sub", subject_of(ctx_, account)}, {"aud", "caf-portal"}};
    auto ours = keys_->signing_key(jose::Algorithm::RS256, clock_.now());
    auto foreign = signing_key_for(jose::Algorithm::RS256, ours->kid);  // same kid, other key
    auto token = *jose::sign({{"typ", "JWT"}}, payload.dump(), foreign, jose::Algorithm::RS256);
    EXPECT_EQ(authorize_redirect(portal_request({{"id_token_hint", token}})).param("error"), "invalid_request");
}

// --- /authorize: the SSO session ---

TEST_F(Authorize, PromptNoneWithoutSessionAnswersLoginRequired) {
    auto r = authorize_redirect(portal_request({{"prompt", "none"}}));
    EXPECT_EQ(r.base, portal_callback);
    EXPECT_EQ(r.param("error"), "login_required");
    EXPECT_EQ(r.param("state"), "etat-123");
    EXPECT_EQ(r.param("iss"), issuer);
}

TEST_F(Authorize, PromptNoneWithSessionIssuesACodeAtOnce) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    auto r = authorize_redirect(portal_request({{"prompt", "none"}}), session_cookie(session));
    EXPECT_EQ(r.base, portal_callback);
    EXPECT_TRUE(r.has("code"));
    EXPECT_EQ(r.param("state"), "etat-123");
    EXPECT_EQ(r.param("iss"), issuer);
}

TEST_F(Authorize, PromptNoneWithAnExpiredExpiredOrRevokedSessionAnswersLoginRequired) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    storage::Sessions{*db_}.revoke(login::digest(session), now());
    EXPECT_EQ(authorize_redirect(portal_request({{"prompt", "none"}}), session_cookie(session)).param("error"),
              "login_required");
}

TEST_F(Authorize, PromptNoneWithTheHintOfAnotherPersonAnswersLoginRequired) {
    auto account = create_account();
    auto other = create_account("P87654321");
    auto session = open_session(account, now() - 60);
    auto hint = id_token_for(other, "caf-portal");
    auto r = authorize_redirect(portal_request({{"prompt", "none"}, {"id_token_hint", hint}}), session_cookie(session));
    EXPECT_EQ(r.param("error"), "login_required");
    auto same = authorize_redirect(portal_request({{"prompt", "none"}, {"id_token_hint", id_token_for(account, "caf-portal")}}),
                                   session_cookie(session));
    EXPECT_TRUE(same.has("code"));
}

TEST_F(Authorize, SessionAnswersWithoutLoginWhenNothingForbidsIt) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    auto r = authorize_redirect(portal_request(), session_cookie(session));
    EXPECT_EQ(r.base, portal_callback);
    EXPECT_TRUE(r.has("code"));
}

TEST_F(Authorize, MaxAgeExceededSendsToTheLoginPage) {
    auto account = create_account();
    auto session = open_session(account, now() - 120);
    auto r = authorize_redirect(portal_request({{"max_age", "60"}}), session_cookie(session));
    EXPECT_EQ(r.base, login::login_path);
    EXPECT_FALSE(r.param("interaction").empty());
    EXPECT_TRUE(authorize_redirect(portal_request({{"max_age", "600"}}), session_cookie(session)).has("code"));
}

TEST_F(Authorize, PromptLoginSendsToTheLoginPageDespiteASession) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    EXPECT_EQ(authorize_redirect(portal_request({{"prompt", "login"}}), session_cookie(session)).base, login::login_path);
}

TEST_F(Authorize, PromptCreateSendsToAccountCreation) {
    auto r = authorize_redirect(portal_request({{"prompt", "create"}}));
    EXPECT_EQ(r.base, login::create_account_path);
    EXPECT_FALSE(r.param("interaction").empty());
}

TEST_F(Authorize, PostedRequestIsAnsweredWith303) {
    auto response = handle_authorize(ctx_, post("/authorize", portal_request()));
    EXPECT_EQ(response.status, 303);
    EXPECT_EQ(parse_location(response.headers.get("Location").value_or("")).base, login::login_path);
}

TEST_F(Authorize, InteractionKeepsTheValidatedRequestForTheLoginPage) {
    auto id = start_login(portal_request({{"login_hint", "P12345678"}, {"prompt", "login"}, {"ui_locales", "fr"},
                                          {"acr_values", "eidas1"}, {"inconnu", "ignoré"}}));
    auto interaction = storage::Interactions{*db_}.find(login::digest(id), now());
    ASSERT_TRUE(interaction.has_value());
    const auto& request = interaction->request;
    EXPECT_EQ(request[login::request_field::client_id], "caf-portal");
    EXPECT_EQ(request[login::request_field::client_name], "caf.fr");
    EXPECT_EQ(request[login::request_field::login_hint], "P12345678");
    EXPECT_EQ(request[login::request_field::prompt], nlohmann::json({"login"}));
    EXPECT_EQ(request[login::request_field::ui_locales], "fr");
    EXPECT_EQ(request[login::request_field::acr_values], "eidas1");
    EXPECT_EQ(request["redirect_uri"], portal_callback);
    EXPECT_EQ(request["scope"], "openid profile");
    EXPECT_FALSE(request.contains("inconnu"));
    EXPECT_EQ(interaction->expires_at, now() + config_.oidc.interaction_lifetime);
}

// --- resume ---

TEST_F(Authorize, CompletedInteractionResumesWithACodeStateAndIss) {
    auto account = create_account();
    auto id = start_login(portal_request());
    auto session = open_session(account, now());
    complete_interaction(id, account, session, now());
    auto response = resume(id, session_cookie(session));
    ASSERT_EQ(response.status, 302);
    auto r = parse_location(response.headers.get("Location").value_or(""));
    EXPECT_EQ(r.base, portal_callback);
    EXPECT_FALSE(r.param("code").empty());
    EXPECT_EQ(r.param("state"), "etat-123");
    EXPECT_EQ(r.param("iss"), issuer);
    EXPECT_EQ(response.headers.get("Cache-Control"), "no-store");
}

TEST_F(Authorize, CodePayloadHoldsWhatTheTokenEndpointReads) {
    auto account = create_account();
    auto id = start_login(portal_request({{"code_challenge", challenge}, {"code_challenge_method", "S256"}}));
    auto session = open_session(account, now());
    complete_interaction(id, account, session, now() - 5);
    auto code = parse_location(resume(id, session_cookie(session)).headers.get("Location").value_or("")).param("code");

    auto stored = stored_code(code);
    EXPECT_EQ(stored.client_id, "caf-portal");
    EXPECT_EQ(stored.account_id, account);
    EXPECT_EQ(stored.session_digest, login::digest(session));
    EXPECT_LE(stored.expires_at - stored.created_at, 60);
    const auto& p = stored.payload;
    EXPECT_EQ(p["redirect_uri"], portal_callback);
    EXPECT_EQ(p["scope"], "openid profile");
    EXPECT_EQ(p["nonce"], "n-0S6_WzA2Mj");
    EXPECT_EQ(p["code_challenge"], challenge);
    EXPECT_EQ(p["code_challenge_method"], "S256");
    EXPECT_EQ(p["auth_time"], now() - 5);
    EXPECT_EQ(p["acr"], "eidas1");
    EXPECT_EQ(p["amr"], nlohmann::json({"pwd"}));
    EXPECT_EQ(p["sid"], sid_of(login::digest(session)));

    auto clients = db_->read([&](storage::Connection& c) {
        return storage::Sessions{*db_}.clients(c, login::digest(session));
    });
    EXPECT_EQ(clients, std::vector<std::string>{"caf-portal"});
}

TEST_F(Authorize, ResumeWithAnotherBrowsersCookieIsRefusedAndLeavesTheInteraction) {
    auto account = create_account();
    auto id = start_login(portal_request());
    auto session = open_session(account, now());
    auto other_browser = open_session(account, now());
    complete_interaction(id, account, session, now());

    auto refused = resume(id, session_cookie(other_browser));
    EXPECT_EQ(refused.status, 403);
    EXPECT_FALSE(refused.headers.contains("Location"));
    EXPECT_EQ(resume(id, "").status, 403);
    EXPECT_EQ(resume(id, session_cookie(session)).status, 302);
}

TEST_F(Authorize, ResumedInteractionIsSingleUse) {
    auto account = create_account();
    auto id = start_login(portal_request());
    auto session = open_session(account, now());
    complete_interaction(id, account, session, now());
    EXPECT_EQ(resume(id, session_cookie(session)).status, 302);
    auto again = resume(id, session_cookie(session));
    EXPECT_EQ(again.status, 400);
    EXPECT_NE(again.body.find("a expiré"), std::string::npos);
    EXPECT_FALSE(again.headers.contains("Location"));
}

TEST_F(Authorize, ExpiredInteractionShowsTheExpiredPage) {
    auto account = create_account();
    auto id = start_login(portal_request());
    auto session = open_session(account, now());
    complete_interaction(id, account, session, now());
    clock_.advance(std::chrono::seconds(config_.oidc.interaction_lifetime + 1));
    auto response = resume(id, session_cookie(session));
    EXPECT_EQ(response.status, 400);
    EXPECT_FALSE(response.headers.contains("Location"));
}

TEST_F(Authorize, ResumeBeforeTheLoginCompletesGoesBackToTheLoginPage) {
    auto id = start_login(portal_request());
    auto response = resume(id, "");
    EXPECT_EQ(parse_location(response.headers.get("Location").value_or("")).base, login::login_path);
}

TEST_F(Authorize, PromptLoginAnsweredByAnOlderLoginIsLoginRequired) {
    auto account = create_account();
    auto id = start_login(portal_request({{"prompt", "login"}}));
    auto session = open_session(account, now() - 600);
    complete_interaction(id, account, session, now() - 600);
    auto r = parse_location(resume(id, session_cookie(session)).headers.get("Location").value_or(""));
    EXPECT_EQ(r.param("error"), "login_required");
}

TEST_F(Authorize, RegisteredRedirectUriWithAQueryGetsTheResponseAppended) {
    auto account = create_account();
    auto session = open_session(account, now());
    storage::Consents{*db_}.grant({account, "partenaire", "openid profile", now()});
    auto response = authorize({{"response_type", "code"},
                               {"client_id", "partenaire"},
                               {"redirect_uri", partner_callback},
                               {"scope", "openid profile"},
                               {"state", "x"}},
                              session_cookie(session));
    auto location = std::string(response.headers.get("Location").value_or(""));
    EXPECT_EQ(location.rfind(std::string(partner_callback) + "&code=", 0), 0u) << location;
    EXPECT_EQ(parse_location(location).param("source"), "caf");
}

TEST_F(Authorize, OfflineAccessIsDroppedForAThirdPartyClientWithoutPromptConsent) {
    auto id = start_login({{"response_type", "code"},
                           {"client_id", "partenaire"},
                           {"redirect_uri", partner_callback},
                           {"scope", "openid offline_access"}});
    auto interaction = storage::Interactions{*db_}.find(login::digest(id), now());
    EXPECT_EQ(interaction->request["scope"], "openid");

    auto kept = start_login({{"response_type", "code"},
                             {"client_id", "partenaire"},
                             {"redirect_uri", partner_callback},
                             {"scope", "openid offline_access"},
                             {"prompt", "consent"}});
    EXPECT_EQ(storage::Interactions{*db_}.find(login::digest(kept), now())->request["scope"], "openid offline_access");
}

// --- consent ---

TEST_F(Consent, ThirdPartyClientGetsAFrenchPageListingTheData) {
    auto account = create_account();
    auto session = open_session(account, now());
    auto id = consent_interaction(account, session);
    auto page = handle_consent_page(ctx_, get(std::string(consent_path), {{"interaction", id}},
                                              session_cookie(session) + "; " + csrf_cookie()));
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Service partenaire souhaite accéder à vos informations"), std::string::npos);
    EXPECT_NE(page.body.find("date et lieu de naissance"), std::string::npos);
    EXPECT_NE(page.body.find("adresse électronique"), std::string::npos);
    EXPECT_EQ(page.body.find("numéro de téléphone"), std::string::npos);
    EXPECT_NE(page.body.find("Autoriser"), std::string::npos);
    EXPECT_NE(page.body.find("Refuser"), std::string::npos);
    EXPECT_NE(page.body.find(csrf_token(consent_csrf_purpose)), std::string::npos);
}

TEST_F(Consent, TheNirIsNamedOnTheConsentPage) {
    const auto items = consent_descriptions({"openid", "caf_nir"});
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[1], "votre numéro de sécurité sociale (NIR)");
}

TEST_F(Consent, PromptConsentAsksEvenAFirstPartyClientWithASession) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    auto r = authorize_redirect(portal_request({{"prompt", "consent"}}), session_cookie(session));
    EXPECT_EQ(r.base, consent_path);
    auto response = answer(r.param("interaction"), "autoriser", session);
    EXPECT_TRUE(parse_location(response.headers.get("Location").value_or("")).has("code"));
}

TEST_F(Consent, PageFromAnotherBrowserIsRefused) {
    auto account = create_account();
    auto session = open_session(account, now());
    auto other = open_session(account, now());
    auto id = consent_interaction(account, session);
    auto page = handle_consent_page(ctx_, get(std::string(consent_path), {{"interaction", id}}, session_cookie(other)));
    EXPECT_EQ(page.status, 403);
    EXPECT_EQ(page.body.find("Autoriser"), std::string::npos);
}

TEST_F(Consent, PromptNoneNeedingConsentAnswersConsentRequired) {
    auto account = create_account();
    auto session = open_session(account, now());
    auto r = authorize_redirect({{"response_type", "code"},
                                 {"client_id", "partenaire"},
                                 {"redirect_uri", partner_callback},
                                 {"scope", "openid profile"},
                                 {"prompt", "none"}},
                                session_cookie(session));
    EXPECT_EQ(r.param("error"), "consent_required");
}

TEST_F(Consent, AutoriserIssuesACodeAndIsRememberedForTheClientAndScopes) {
    auto account = create_account();
    auto session = open_session(account, now());
    auto id = consent_interaction(account, session);
    auto response = answer(id, "autoriser", session);
    ASSERT_EQ(response.status, 303);
    auto r = parse_location(response.headers.get("Location").value_or(""));
    EXPECT_FALSE(r.param("code").empty());
    EXPECT_EQ(r.param("state"), "s-partenaire");
    EXPECT_EQ(r.param("iss"), issuer);

    auto again = authorize_redirect({{"response_type", "code"},
                                     {"client_id", "partenaire"},
                                     {"redirect_uri", partner_callback},
                                     {"scope", "openid email"},
                                     {"prompt", "none"}},
                                    session_cookie(session));
    EXPECT_TRUE(again.has("code"));
    auto more = authorize({{"response_type", "code"},
                           {"client_id", "partenaire"},
                           {"redirect_uri", partner_callback},
                           {"scope", "openid profile"},
                           {"prompt", "consent"}},
                          session_cookie(session));
    EXPECT_EQ(parse_location(more.headers.get("Location").value_or("")).base, consent_path);
}

TEST_F(Consent, RefuserSendsAccessDeniedBackToTheClient) {
    auto account = create_account();
    auto session = open_session(account, now());
    auto id = consent_interaction(account, session);
    auto response = answer(id, "refuser", session);
    ASSERT_EQ(response.status, 303);
    auto r = parse_location(response.headers.get("Location").value_or(""));
    EXPECT_EQ(r.param("error"), "access_denied");
    EXPECT_EQ(r.param("state"), "s-partenaire");
    EXPECT_EQ(r.param("iss"), issuer);
    EXPECT_FALSE(storage::Consents{*db_}.find(account, "partenaire").has_value());
}

TEST_F(Consent, AnswerWithoutTheCsrfTokenIsRefused) {
    auto account = create_account();
    auto session = open_session(account, now());
    auto id = consent_interaction(account, session);
    auto response = handle_consent_answer(
        ctx_, post(std::string(consent_path), {{"interaction", id}, {"decision", "autoriser"}},
                   session_cookie(session) + "; " + csrf_cookie()));
    EXPECT_EQ(response.status, 403);
    EXPECT_FALSE(response.headers.contains("Location"));
    EXPECT_EQ(answer(id, "autoriser", session).status, 303);  // still pending
}

TEST_F(Consent, AnswerIsSingleUse) {
    auto account = create_account();
    auto session = open_session(account, now());
    auto id = consent_interaction(account, session);
    EXPECT_EQ(answer(id, "autoriser", session).status, 303);
    auto again = answer(id, "autoriser", session);
    EXPECT_EQ(again.status, 400);
    EXPECT_FALSE(again.headers.contains("Location"));
}

TEST_F(Consent, AnswerFromAnotherBrowserIsRefused) {
    auto account = create_account();
    auto session = open_session(account, now());
    auto other = open_session(account, now());
    auto id = consent_interaction(account, session);
    EXPECT_EQ(answer(id, "autoriser", other).status, 403);
}

// --- logout ---

TEST_F(Logout, ValidHintAndRegisteredUriRedirectWithStateAndEndTheSession) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    auto digest = login::digest(session);
    storage::RefreshTokens refresh{*db_};
    refresh.create({"rt-session", "f1", "caf-portal", account, "openid profile", digest, std::nullopt, now(),
                    now() + 3600, now() + 3600, std::nullopt, std::nullopt});
    refresh.create({"rt-offline", "f2", "caf-mobile", account, "openid offline_access", digest, std::nullopt, now(),
                    now() + 3600, now() + 3600, std::nullopt, std::nullopt});

    auto response = logout({{"id_token_hint", id_token_for(account, "caf-portal")},
                            {"post_logout_redirect_uri", portal_logged_out},
                            {"state", "au-revoir-1"}},
                           session_cookie(session));
    ASSERT_EQ(response.status, 302);
    auto r = parse_location(response.headers.get("Location").value_or(""));
    EXPECT_EQ(r.base, portal_logged_out);
    EXPECT_EQ(r.param("state"), "au-revoir-1");
    auto cookie = std::string(response.headers.get("Set-Cookie").value_or(""));
    EXPECT_EQ(cookie.rfind(std::string(login::session_cookie) + "=;", 0), 0u) << cookie;
    EXPECT_NE(cookie.find("Max-Age=0"), std::string::npos);

    EXPECT_FALSE(storage::Sessions{*db_}.find_active(digest, now()).has_value());
    EXPECT_TRUE(refresh.find("rt-session")->revoked_at.has_value());
    EXPECT_FALSE(refresh.find("rt-offline")->revoked_at.has_value());
    auto audit = storage::AuditLog{*db_}.list({.account_id = account});
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "session.logout");
}

TEST_F(Logout, EndingTheSessionRevokesItsAccessTokensAndAuditsTheCounts) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    auto digest = login::digest(session);
    storage::AccessTokens access{*db_};
    storage::AccessToken token;
    token.jti = "at-session";
    token.client_id = "caf-portal";
    token.account_id = account;
    token.scope = "openid";
    token.issued_at = now();
    token.expires_at = now() + 300;
    token.session_digest = digest;
    access.record(token);
    storage::RefreshTokens{*db_}.create({"rt-session", "f1", "caf-portal", account, "openid offline_access_x", digest,
                                         std::nullopt, now(), now() + 3600, now() + 3600, std::nullopt,
                                         std::nullopt});

    auto response = logout({{"id_token_hint", id_token_for(account, "caf-portal")}}, session_cookie(session));
    ASSERT_EQ(response.status, 200);
    EXPECT_TRUE(access.find("at-session")->revoked_at.has_value());
    EXPECT_TRUE(storage::RefreshTokens{*db_}.find("rt-session")->revoked_at.has_value())
        << "offline_access must be the whole scope word";
    auto audit = storage::AuditLog{*db_}.list({.account_id = account});
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].details["revoked_access_tokens"], 1);
    EXPECT_EQ(audit[0].details["revoked_refresh_tokens"], 1);
}

TEST_F(Logout, TamperedHintShowsAPageAndNeverRedirects) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    auto token = id_token_for(account, "caf-portal");
    token.back() = token.back() == 'A' ? 'B' : 'A';
    auto response = logout({{"id_token_hint", token}, {"post_logout_redirect_uri", portal_logged_out}},
                           session_cookie(session));
    EXPECT_EQ(response.status, 400);
    EXPECT_FALSE(response.headers.contains("Location"));
    EXPECT_TRUE(storage::Sessions{*db_}.find_active(login::digest(session), now()).has_value());
}

TEST_F(Logout, UnregisteredOrExtendedPostLogoutUriShowsAPage) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    for (std::string uri : {std::string("https://attaquant.test/"), std::string(portal_logged_out) + "?x=1"}) {
        auto response = logout({{"id_token_hint", id_token_for(account, "caf-portal")},
                                {"post_logout_redirect_uri", uri}},
                               session_cookie(session));
        EXPECT_EQ(response.status, 400) << uri;
        EXPECT_FALSE(response.headers.contains("Location")) << uri;
    }
    auto without_client = logout({{"post_logout_redirect_uri", portal_logged_out}}, session_cookie(session));
    EXPECT_EQ(without_client.status, 400);
    EXPECT_TRUE(storage::Sessions{*db_}.find_active(login::digest(session), now()).has_value());
}

TEST_F(Logout, WithoutHintAsksForConfirmationAndEndsTheSessionOnlyAfterIt) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    auto cookies = session_cookie(session) + "; " + csrf_cookie();
    auto page = logout({{"client_id", "caf-portal"}, {"post_logout_redirect_uri", portal_logged_out}, {"state", "s"}},
                       cookies);
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Voulez-vous vous déconnecter de Mon Compte ?"), std::string::npos);
    EXPECT_NE(page.body.find(csrf_token(logout_csrf_purpose)), std::string::npos);
    EXPECT_TRUE(storage::Sessions{*db_}.find_active(login::digest(session), now()).has_value());

    auto forged = handle_logout(ctx_, post(std::string(logout_path), {{"decision", "deconnecter"}}, cookies));
    EXPECT_EQ(forged.status, 403);
    EXPECT_TRUE(storage::Sessions{*db_}.find_active(login::digest(session), now()).has_value());

    auto confirmed = handle_logout(ctx_, post(std::string(logout_path),
                                              {{"csrf", csrf_token(logout_csrf_purpose)},
                                               {"client_id", "caf-portal"},
                                               {"post_logout_redirect_uri", portal_logged_out},
                                               {"state", "s"},
                                               {"decision", "deconnecter"}},
                                              cookies));
    EXPECT_EQ(confirmed.status, 303);
    auto r = parse_location(confirmed.headers.get("Location").value_or(""));
    EXPECT_EQ(r.base, portal_logged_out);
    EXPECT_EQ(r.param("state"), "s");
    EXPECT_FALSE(storage::Sessions{*db_}.find_active(login::digest(session), now()).has_value());
}

TEST_F(Logout, ConfirmedWithoutClientShowsTheLoggedOutPage) {
    auto account = create_account();
    auto session = open_session(account, now() - 60);
    auto response = handle_logout(
        ctx_, post(std::string(logout_path), {{"csrf", csrf_token(logout_csrf_purpose)}, {"decision", "deconnecter"}},
                   session_cookie(session) + "; " + csrf_cookie()));
    EXPECT_EQ(response.status, 200);
    EXPECT_NE(response.body.find("Vous êtes déconnecté"), std::string::npos);
    EXPECT_NE(std::string(response.headers.get("Set-Cookie").value_or("")).find("Max-Age=0"), std::string::npos);
}

TEST_F(Logout, HintOfAnotherPersonAsksTheBrowserInsteadOfEndingItsSession) {
    auto account = create_account();
    auto other = create_account("P87654321");
    auto session = open_session(account, now() - 60);
    auto response = logout({{"id_token_hint", id_token_for(other, "caf-portal")}}, session_cookie(session));
    EXPECT_EQ(response.status, 200);
    EXPECT_NE(response.body.find("Voulez-vous vous déconnecter"), std::string::npos);
    EXPECT_TRUE(storage::Sessions{*db_}.find_active(login::digest(session), now()).has_value());
}

}  // namespace
}  // namespace caf::oidc::test
