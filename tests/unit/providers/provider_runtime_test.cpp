// The relying-party runtime without network: the [[providers]] registry, the authorization
// request, the browser-bound single-use state, the JWKS cache and the callback decisions, with an
// injected HTTP fetcher.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "core/crypto.hpp"
#include "core/random.hpp"
#include "oidc/jose/jwk.hpp"
#include "oidc/jose/jws.hpp"
#include "oidc/keys/private_key.hpp"
#include "providers/browser_state.hpp"
#include "providers/identity_pivot.hpp"
#include "providers/upstream_client.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace {

using namespace caf;
using namespace caf::providers;
namespace jose = caf::oidc::jose;

constexpr const char* issuer = "https://fc.test/api/v2";

const char* base_config = R"(
[server]
listen = "127.0.0.1:0"
issuer = "https://connect.caf.test"
[store]
url = "sqlite:var/test.db"
)";

std::string provider_toml(const std::string& extra = "") {
    return std::string(base_config) + R"(
[[providers]]
name = "franceconnect"
label = "FranceConnect"
issuer = "https://fc.test/api/v2"
client_id = "caf-connect"
client_secret = "caf-connect-test-secret"
redirect_uri = "https://connect.caf.test/providers/franceconnect/callback"
post_logout_redirect_uri = "https://connect.caf.test/providers/franceconnect/logout-callback"
)" + extra;
}

std::string error_key(const std::string& text) {
    try {
        config::load_text(text, "test.toml");
    } catch (const config::ConfigError& e) {
        return e.key + ": " + e.reason;
    }
    return "loaded";
}

TEST(ProviderRegistry, DefaultsAreFranceConnectV2) {
    auto c = config::load_text(provider_toml(), "test.toml");
    ASSERT_EQ(c.providers.size(), 1u);
    const auto& p = c.providers[0];
    EXPECT_TRUE(p.discovery);
    EXPECT_EQ(p.token_endpoint_auth_method, "client_secret_post");
    EXPECT_EQ(p.acr_values, "eidas1");
    EXPECT_EQ(p.prompt, "login consent");
    EXPECT_EQ(p.profile, "franceconnect_v2");
    EXPECT_TRUE(p.userinfo_signed);
    EXPECT_EQ(p.id_token_algorithms, (std::vector<std::string>{"ES256", "RS256"}));
    EXPECT_EQ(p.scopes, "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username");
}

TEST(ProviderRegistry, ErrorsNameTheKey) {
    EXPECT_EQ(error_key(provider_toml("client_secert = \"x\"\n")), "providers[0].client_secert: unknown key");
    EXPECT_EQ(error_key(provider_toml("id_token_algorithms = [\"none\"]\n")),
              "providers[0].id_token_algorithms: unknown or refused algorithm none (never none)");
    EXPECT_EQ(error_key(provider_toml("id_token_algorithms = [\"HS256\"]\n")).substr(0, 33),
              "providers[0].id_token_algorithms:");
    EXPECT_EQ(error_key(provider_toml("discovery = false\n")).substr(0, 36),
              "providers[0].authorization_endpoint:");
    EXPECT_EQ(error_key(provider_toml("token_endpoint_auth_method = \"none\"\n")).substr(0, 39),
              "providers[0].token_endpoint_auth_method");
    EXPECT_EQ(error_key(provider_toml("scopes = \"given_name\"\n")), "providers[0].scopes: must include openid");
    EXPECT_EQ(error_key(provider_toml("acr_values = \"eidas0\"\n")).substr(0, 24), "providers[0].acr_values:");
    EXPECT_EQ(error_key(provider_toml("token_endpoint_auth_method = \"private_key_jwt\"\n")).substr(0, 30),
              "providers[0].private_key_file:");
    auto twice = provider_toml() + provider_toml().substr(std::string(base_config).size());
    EXPECT_EQ(error_key(twice), "providers[1].name: is used twice");
    EXPECT_EQ(error_key(std::string(base_config) + "[[providers]]\nname = \"Franceconnect!\"\n").substr(0, 18),
              "providers[0].name:");
    // v1 keeps HS256 alone, keyed by the client secret, and plain JSON userinfo.
    auto v1 = config::load_text(provider_toml("profile = \"franceconnect_v1\"\n"), "test.toml").providers[0];
    EXPECT_EQ(v1.id_token_algorithms, (std::vector<std::string>{"HS256"}));
    EXPECT_FALSE(v1.userinfo_signed);
}

// Another provider (ameli, impots) may name pivot fields otherwise: [providers.claims].
TEST(ProviderRegistry, ClaimMappingRenamesPivotFields) {
    auto p = config::load_text(provider_toml("[providers.claims]\ngiven_name = \"prenoms\"\n"
                                             "birthdate = \"date_naissance\"\n"),
                               "test.toml")
                 .providers[0];
    EXPECT_EQ(p.claim_names, (std::map<std::string, std::string>{{"birthdate", "date_naissance"},
                                                                 {"given_name", "prenoms"}}));
    EXPECT_EQ(error_key(provider_toml("[providers.claims]\nnir = \"x\"\n")), "providers[0].claims.nir: unknown key");
    EXPECT_EQ(error_key(provider_toml("[providers.claims]\nemail = \"\"\n")),
              "providers[0].claims.email: must name the provider's claim");

    const nlohmann::json upstream{{"prenoms", "Léa Marie"}, {"family_name", "FICTIF"}, {"date_naissance", "1990-05-17"},
                                  {"birthdate", "1900-01-01"}, {"gender", "female"},   {"birthplace", "75056"},
                                  {"birthcountry", "99100"}};
    auto mapped = with_pivot_names(upstream, p.claim_names);
    auto person = person_from_pivot(mapped);
    ASSERT_TRUE(person.has_value()) << person.error().message;
    EXPECT_EQ(person->first_names, "Léa Marie");
    // A mapped field comes from its mapped claim only, never from a same-named stray claim.
    EXPECT_EQ(person->birth_date, "1990-05-17");
    EXPECT_EQ(person->birth_name, "FICTIF");
    // Without its mapped claim the field is missing, and the pivot is refused.
    auto without = upstream;
    without.erase("date_naissance");
    EXPECT_FALSE(person_from_pivot(with_pivot_names(without, p.claim_names)).has_value());
    // FranceConnect's own names need no mapping.
    EXPECT_EQ(with_pivot_names(upstream, {}), upstream);
}

// ---------------------------------------------------------------------------------------------
// A provider behind a fake fetcher: discovery, JWKS, token and userinfo answered from memory.

struct FakeProvider final : http::HttpFetcher {
    nlohmann::json discovery{{"issuer", issuer},
                             {"authorization_endpoint", std::string(issuer) + "/authorize"},
                             {"token_endpoint", std::string(issuer) + "/token"},
                             {"userinfo_endpoint", std::string(issuer) + "/userinfo"},
                             {"jwks_uri", std::string(issuer) + "/jwks"},
                             {"end_session_endpoint", std::string(issuer) + "/session/end"},
                             {"code_challenge_methods_supported", {"S256"}}};
    jose::JwkSet published;
    std::map<std::string, int> calls;
    bool token_down = false;
    bool discovery_down = false;
    std::string last_token_body;
    http::HeaderList last_token_headers;
    std::string id_token;
    std::string userinfo;

    expected<http::HttpReply, http::FetchError> get(const std::string& url, const http::HeaderList& headers,
                                                    std::chrono::milliseconds) override {
        ++calls[url];
        if (discovery_down && url.ends_with("/.well-known/openid-configuration"))
            return unexpected<http::FetchError>{http::FetchError{"timed out"}};
        if (url.ends_with("/.well-known/openid-configuration"))
            return http::HttpReply{200, "application/json", discovery.dump()};
        if (url.ends_with("/jwks")) return http::HttpReply{200, "application/json", published.to_json().dump()};
        if (url.ends_with("/userinfo")) {
            bool bearer = false;
            for (const auto& [k, v] : headers) bearer |= k == "Authorization" && v == "Bearer at-1";
            if (!bearer) return http::HttpReply{401, "application/json", "{}"};
            return http::HttpReply{200, "application/jwt; charset=utf-8", userinfo};
        }
        return http::HttpReply{404, "text/plain", ""};
    }
    expected<http::HttpReply, http::FetchError> post(const std::string& url, const http::HeaderList& headers,
                                                     const std::string& body, const std::string& content_type,
                                                     std::chrono::milliseconds) override {
        EXPECT_EQ(content_type, "application/x-www-form-urlencoded");
        ++calls[url];
        last_token_body = body;
        last_token_headers = headers;
        if (token_down) return unexpected<http::FetchError>{http::FetchError{"connection refused"}};
        const nlohmann::json tokens{{"access_token", "at-1"}, {"id_token", id_token}, {"token_type", "Bearer"}};
        return http::HttpReply{200, "application/json", tokens.dump()};
    }
};

struct Key {
    jose::shared_pkey key;
    std::string kid;
    Key(std::string k) : kid(std::move(k)) {
        key = jose::shared_pkey(oidc::keys::generate_private_key(jose::Algorithm::ES256).release(), EVP_PKEY_free);
    }
    jose::Jwk jwk() const {
        auto j = jose::Jwk::from_key(key.get());
        j->set_kid(kid).set_alg(jose::Algorithm::ES256).set_use("sig");
        return *j;
    }
    std::string sign(const nlohmann::json& claims) const {
        return *jose::sign({{"typ", "JWT"}}, claims.dump(), jose::SigningKey{kid, key}, jose::Algorithm::ES256);
    }
};

class ProviderRuntime : public ::testing::Test {
protected:
    ManualClock clock;
    FakeProvider fake;
    Key k1{"k1"};
    config::ProviderConfig config = config::load_text(provider_toml(), "test.toml").providers[0];
    UpstreamProvider provider{config, fake, clock, system_random()};

    void SetUp() override { fake.published.add(k1.jwk()); }

    nlohmann::json id_claims(const std::string& nonce) const {
        const auto now = to_unix_seconds(clock.now());
        return {{"iss", issuer}, {"aud", "caf-connect"}, {"sub", std::string(64, 'a') + "v1"}, {"iat", now},
                {"exp", now + 60}, {"nonce", nonce}, {"acr", "eidas1"}, {"amr", {"pwd"}}};
    }
    void answer_with(const Key& key, const std::string& nonce) {
        fake.id_token = key.sign(id_claims(nonce));
        fake.userinfo = key.sign({{"iss", issuer}, {"aud", "caf-connect"}, {"sub", std::string(64, 'a') + "v1"},
                                  {"given_name", "Camille"}, {"family_name", "FICTIF"}});
    }
    expected<AuthenticatedUpstream, Rejection> callback(const PendingAuthorization& p, CallbackParams params) {
        return provider.finish(p, params, clock.now());
    }
    CallbackParams ok_params(const PendingAuthorization& p) { return {"code-1", p.state, std::string(issuer), {}, {}}; }
};

TEST_F(ProviderRuntime, AuthorizationRequestCarriesFranceConnectParameters) {
    auto started = provider.start(std::string("interaction-1"), clock.now());
    ASSERT_TRUE(started);
    const std::regex hex64("^[0-9a-f]{64}$");
    EXPECT_TRUE(std::regex_match(started->pending.state, hex64));
    EXPECT_TRUE(std::regex_match(started->pending.nonce, hex64));
    EXPECT_NE(started->pending.state, started->pending.nonce);
    ASSERT_TRUE(started->pending.code_verifier);
    auto query = started->url.substr(started->url.find('?') + 1);
    auto params = *http::parse_urlencoded(query);
    EXPECT_TRUE(started->url.starts_with(std::string(issuer) + "/authorize?"));
    EXPECT_EQ(http::find_param(params, "state"), started->pending.state);
    EXPECT_EQ(http::find_param(params, "nonce"), started->pending.nonce);
    EXPECT_EQ(http::find_param(params, "code_challenge"), pkce_challenge(*started->pending.code_verifier));
    EXPECT_EQ(http::find_param(params, "code_challenge_method"), "S256");
    EXPECT_EQ(http::find_param(params, "acr_values"), "eidas1");
    EXPECT_EQ(http::find_param(params, "prompt"), "login consent");
    EXPECT_EQ(http::find_param(params, "claims"), R"({"id_token":{"amr":{"essential":true}}})");
    EXPECT_EQ(http::find_param(params, "redirect_uri"), config.redirect_uri);
    EXPECT_EQ(started->pending.expires_at, to_unix_seconds(clock.now()) + 600);
    // Each start is fresh.
    EXPECT_NE(provider.start(std::nullopt, clock.now())->pending.state, started->pending.state);
}

// A hung or failing provider costs one timeout, not one per login: its failure is remembered
// for the cooldown (failure_cooldown_seconds, 30 s by default), then one call tries it again.
TEST_F(ProviderRuntime, AFailedProviderIsNotAskedAgainDuringItsCooldown) {
    const std::string discovery_url = std::string(issuer) + "/.well-known/openid-configuration";
    fake.discovery_down = true;
    auto first = provider.start(std::nullopt, clock.now());
    ASSERT_FALSE(first);
    EXPECT_EQ(fake.calls[discovery_url], 1);
    for (int i = 0; i < 5; ++i) EXPECT_FALSE(provider.start(std::nullopt, clock.now()));
    EXPECT_EQ(fake.calls[discovery_url], 1) << "refused at once, the provider left alone";
    fake.discovery_down = false;
    clock.advance(std::chrono::seconds{29});
    EXPECT_FALSE(provider.start(std::nullopt, clock.now()));
    clock.advance(std::chrono::seconds{1});
    EXPECT_TRUE(provider.start(std::nullopt, clock.now())) << "tried again after the cooldown";
    EXPECT_EQ(fake.calls[discovery_url], 2);
}

// The person logs out at once even when the provider is down: its end-session endpoint, known
// since the login, is used without asking discovery again.
TEST_F(ProviderRuntime, LogoutUsesTheEndpointsKnownSinceTheLoginWhenTheProviderIsDown) {
    ASSERT_TRUE(provider.start(std::nullopt, clock.now()));
    const std::string discovery_url = std::string(issuer) + "/.well-known/openid-configuration";
    const auto asked = fake.calls[discovery_url];
    clock.advance(std::chrono::hours{2});  // past the metadata TTL
    fake.discovery_down = true;
    auto url = provider.end_session_url("id.token.hint", "state-1");
    ASSERT_TRUE(url);
    EXPECT_TRUE(url->starts_with(std::string(issuer) + "/session/end?"));
    EXPECT_EQ(fake.calls[discovery_url], asked);
}

TEST(ProviderRuntimeNoPkce, NoChallengeWhenDiscoveryDoesNotListS256) {
    ManualClock clock;
    FakeProvider fake;
    fake.discovery.erase("code_challenge_methods_supported");
    UpstreamProvider provider(config::load_text(provider_toml(), "t").providers[0], fake, clock, system_random());
    auto started = provider.start(std::nullopt, clock.now());
    ASSERT_TRUE(started);
    EXPECT_FALSE(started->pending.code_verifier);
    EXPECT_EQ(started->url.find("code_challenge"), std::string::npos);
}

TEST_F(ProviderRuntime, JwksIsCachedAndAnUnknownKidRefetchesAtMostOncePer30Seconds) {
    const std::string jwks = std::string(issuer) + "/jwks";
    ASSERT_TRUE(provider.metadata().keys());
    ASSERT_TRUE(provider.metadata().keys());
    EXPECT_EQ(fake.calls[jwks], 1);
    EXPECT_TRUE(provider.metadata().refetch_keys_for_unknown_kid());
    EXPECT_EQ(fake.calls[jwks], 2);
    EXPECT_FALSE(provider.metadata().refetch_keys_for_unknown_kid());  // rate-limited
    EXPECT_EQ(fake.calls[jwks], 2);
    clock.advance(std::chrono::seconds(31));
    EXPECT_TRUE(provider.metadata().refetch_keys_for_unknown_kid());
    EXPECT_EQ(fake.calls[jwks], 3);
    clock.advance(std::chrono::minutes(11));  // TTL
    ASSERT_TRUE(provider.metadata().keys());
    EXPECT_EQ(fake.calls[jwks], 4);
    EXPECT_EQ(fake.calls[std::string(issuer) + "/.well-known/openid-configuration"], 2);
}

TEST_F(ProviderRuntime, ValidCallbackGivesTheIdentityAndSendsSecretAndVerifier) {
    auto started = provider.start(std::nullopt, clock.now());
    answer_with(k1, started->pending.nonce);
    auto done = callback(started->pending, ok_params(started->pending));
    ASSERT_TRUE(done) << done.error().reason;
    EXPECT_EQ(done->identity.acr, "eidas1");
    EXPECT_EQ(done->identity.amr, std::vector<std::string>{"pwd"});
    EXPECT_EQ(done->identity.claims["family_name"], "FICTIF");
    EXPECT_EQ(done->id_token, fake.id_token);
    auto form = *http::parse_urlencoded(fake.last_token_body);
    EXPECT_EQ(http::find_param(form, "client_secret"), "caf-connect-test-secret");
    EXPECT_EQ(http::find_param(form, "code_verifier"), started->pending.code_verifier);
    EXPECT_EQ(http::find_param(form, "code"), "code-1");
}

std::optional<std::string> header_of(const http::HeaderList& headers, std::string_view name) {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return std::nullopt;
}

// A whole login at `provider`, `fake` answering with tokens signed by `key` for its client id.
expected<AuthenticatedUpstream, Rejection> log_in_once(UpstreamProvider& provider, FakeProvider& fake, const Key& key,
                                                       const ManualClock& clock) {
    auto started = provider.start(std::nullopt, clock.now());
    const auto now = to_unix_seconds(clock.now());
    const auto& client_id = provider.config().client_id;
    const auto sub = std::string(64, 'a') + "v1";
    fake.id_token = key.sign({{"iss", issuer}, {"aud", client_id}, {"sub", sub}, {"iat", now}, {"exp", now + 60},
                              {"nonce", started->pending.nonce}, {"acr", "eidas1"}, {"amr", {"pwd"}}});
    fake.userinfo = key.sign({{"iss", issuer}, {"aud", client_id}, {"sub", sub}});
    return provider.finish(started->pending, {"code-1", started->pending.state, std::string(issuer), {}, {}}, clock.now());
}

// RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic; nothing of them in the body.
TEST(ProviderTokenAuthentication, ClientSecretBasicSendsTheEncodedPairInTheHeaderOnly) {
    ManualClock clock;
    FakeProvider fake;
    Key k1{"k1"};
    fake.published.add(k1.jwk());
    auto config = config::load_text(provider_toml("token_endpoint_auth_method = \"client_secret_basic\"\n"), "t")
                      .providers[0];
    config.client_id = "caf connect:1";
    config.client_secret = "s3cr%t:+/é";
    UpstreamProvider provider(config, fake, clock, system_random());
    auto done = log_in_once(provider, fake, k1, clock);
    ASSERT_TRUE(done) << done.error().reason;
    EXPECT_EQ(header_of(fake.last_token_headers, "Authorization"),
              "Basic " + crypto::base64_encode("caf%20connect%3A1:s3cr%25t%3A%2B%2F%C3%A9"));
    auto form = *http::parse_urlencoded(fake.last_token_body);
    EXPECT_FALSE(http::find_param(form, "client_secret"));
    EXPECT_FALSE(http::find_param(form, "client_id"));
    EXPECT_FALSE(http::find_param(form, "client_assertion"));
    EXPECT_EQ(http::find_param(form, "code"), "code-1");
}

// A signed client assertion (RFC 7523): iss = sub = client_id, aud = the token endpoint, a fresh
// jti, a short exp; verifiable with the public half of the configured key; no secret sent.
TEST(ProviderTokenAuthentication, PrivateKeyJwtSendsASignedAssertion) {
    const auto dir = std::filesystem::temp_directory_path() / ("caf-pkjwt-" + random_token(system_random(), 8));
    std::filesystem::create_directories(dir);
    auto key = jose::shared_pkey(oidc::keys::generate_private_key(jose::Algorithm::ES256).release(), EVP_PKEY_free);
    {
        std::ofstream out(dir / "fc.pem");
        out << oidc::keys::private_key_to_pem(key.get());
    }
    ManualClock clock;
    FakeProvider fake;
    Key k1{"k1"};
    fake.published.add(k1.jwk());
    auto config = config::load_text(provider_toml("token_endpoint_auth_method = \"private_key_jwt\"\n"
                                                  "private_key_kid = \"caf-fc-1\"\n"
                                                  "private_key_file = \"" + (dir / "fc.pem").string() + "\"\n"),
                                    "t")
                      .providers[0];
    UpstreamProvider provider(config, fake, clock, system_random());

    std::vector<std::string> jtis;
    for (int i = 0; i < 2; ++i) {
        auto done = log_in_once(provider, fake, k1, clock);
        ASSERT_TRUE(done) << done.error().reason;

        EXPECT_FALSE(header_of(fake.last_token_headers, "Authorization"));
        auto form = *http::parse_urlencoded(fake.last_token_body);
        EXPECT_FALSE(http::find_param(form, "client_secret"));
        EXPECT_EQ(http::find_param(form, "client_id"), "caf-connect");
        EXPECT_EQ(http::find_param(form, "client_assertion_type"),
                  "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        auto assertion = http::find_param(form, "client_assertion");
        ASSERT_TRUE(assertion);

        jose::JwkSet ours;
        auto pub = jose::Jwk::from_key(key.get());
        pub->set_kid("caf-fc-1");
        ours.add(*pub);
        auto verified = jose::verify(*assertion, ours, {jose::Algorithm::ES256});
        ASSERT_TRUE(verified) << verified.error().message();
        EXPECT_EQ(verified->header["kid"], "caf-fc-1");
        auto claims = nlohmann::json::parse(verified->payload);
        EXPECT_EQ(claims["iss"], "caf-connect");
        EXPECT_EQ(claims["sub"], "caf-connect");
        EXPECT_EQ(claims["aud"], std::string(issuer) + "/token");
        const auto now = to_unix_seconds(clock.now());
        EXPECT_GT(claims["exp"].get<std::int64_t>(), now);
        EXPECT_LE(claims["exp"].get<std::int64_t>(), now + 300);
        ASSERT_TRUE(claims["jti"].is_string());
        EXPECT_GE(claims["jti"].get<std::string>().size(), 16u);
        jtis.push_back(claims["jti"]);

        // Signed by another key: not ours.
        jose::JwkSet stranger;
        stranger.add(k1.jwk());
        EXPECT_FALSE(jose::verify(*assertion, stranger, {jose::Algorithm::ES256}));
    }
    EXPECT_NE(jtis[0], jtis[1]);  // a jti is never reused
    std::filesystem::remove_all(dir);
}

TEST_F(ProviderRuntime, CallbackRefusals) {
    auto started = provider.start(std::nullopt, clock.now());
    const auto& p = started->pending;
    answer_with(k1, p.nonce);

    auto params = ok_params(p);
    params.iss = "https://evil.test/api/v2";
    EXPECT_EQ(callback(p, params).error().reason, "callback_issuer_mismatch");
    EXPECT_EQ(fake.calls[std::string(issuer) + "/token"], 0);  // nothing exchanged

    params = {{}, p.state, std::string(issuer), std::string("access_denied"), {}};
    auto denied = callback(p, params);
    EXPECT_EQ(denied.error().reason, "access_denied");
    EXPECT_NE(denied.error().message.find("annulé"), std::string::npos);

    answer_with(k1, std::string(64, '0'));
    EXPECT_EQ(callback(p, ok_params(p)).error().reason, "nonce_mismatch");

    answer_with(k1, p.nonce);
    fake.token_down = true;
    EXPECT_EQ(callback(p, ok_params(p)).error().reason, "token_endpoint_unreachable");
}

TEST_F(ProviderRuntime, MissingIssParameterRefusedWhenTheProviderPromisesIt) {
    fake.discovery["authorization_response_iss_parameter_supported"] = true;
    auto started = provider.start(std::nullopt, clock.now());
    answer_with(k1, started->pending.nonce);
    auto params = ok_params(started->pending);
    params.iss.reset();
    EXPECT_EQ(callback(started->pending, params).error().reason, "callback_issuer_mismatch");
}

TEST_F(ProviderRuntime, RotatedKeyIsAcceptedAfterOneRefetch) {
    auto started = provider.start(std::nullopt, clock.now());
    ASSERT_TRUE(provider.metadata().keys());  // k1 cached
    Key k2{"k2"};
    fake.published.add(k2.jwk());
    answer_with(k2, started->pending.nonce);
    auto done = callback(started->pending, ok_params(started->pending));
    ASSERT_TRUE(done) << done.error().reason;
    EXPECT_EQ(fake.calls[std::string(issuer) + "/jwks"], 2);

    // A kid nobody publishes: one refetch was just spent, so no second fetch; refused.
    Key stray{"stray"};
    answer_with(stray, started->pending.nonce);
    EXPECT_EQ(callback(started->pending, ok_params(started->pending)).error().reason, "unknown_key");
    EXPECT_EQ(fake.calls[std::string(issuer) + "/jwks"], 2);
}

TEST_F(ProviderRuntime, EndSessionUrlCarriesHintStateAndOurPostLogoutUri) {
    auto url = provider.end_session_url("raw.id.token", "s1");
    ASSERT_TRUE(url);
    auto params = *http::parse_urlencoded(url->substr(url->find('?') + 1));
    EXPECT_EQ(http::find_param(params, "id_token_hint"), "raw.id.token");
    EXPECT_EQ(http::find_param(params, "state"), "s1");
    EXPECT_EQ(http::find_param(params, "post_logout_redirect_uri"), config.post_logout_redirect_uri);
}

// ---------------------------------------------------------------------------------------------
// The browser-bound single-use state, on a real SQLite store.

class BrowserState : public ::testing::Test {
protected:
    std::filesystem::path dir = std::filesystem::temp_directory_path() / ("caf-providers-" + random_token(system_random(), 8));
    std::unique_ptr<storage::Database> db;
    ManualClock clock;
    void SetUp() override {
        std::filesystem::create_directories(dir);
        db = storage::open_database("sqlite:" + (dir / "store.db").string());
        storage::migrate(*db);
    }
    void TearDown() override {
        db.reset();
        std::filesystem::remove_all(dir);
    }
    static http::Request browser(const std::string& set_cookie) {
        http::Request r;
        r.method = "GET";
        r.headers.add("Cookie", set_cookie.substr(0, set_cookie.find(';')));
        return r;
    }
};

PendingAuthorization pending(std::string state) {
    PendingAuthorization p;
    p.provider = "franceconnect";
    p.state = std::move(state);
    p.nonce = "n-1";
    return p;
}

TEST_F(BrowserState, SingleUseAndBoundToTheBrowser) {
    AuthorizationStates states(*db, system_random());
    auto cookie = states.start(pending("s-1"), clock.now());
    EXPECT_TRUE(cookie.starts_with("__Host-caf_upstream="));
    EXPECT_NE(cookie.find("Max-Age=600"), std::string::npos);
    const auto mine = browser(cookie);
    http::Request stranger;
    auto returning = [](std::string state) {
        return [state](const PendingAuthorization& p) { return returns_state(p.state, state); };
    };

    EXPECT_EQ(states.take(stranger, clock.now(), returning("s-1")).outcome, storage::TakeOutcome::none);
    EXPECT_EQ(states.take(mine, clock.now(), returning("s-2")).outcome, storage::TakeOutcome::mismatch);
    EXPECT_EQ(states.take(mine, clock.now(), returning("")).outcome, storage::TakeOutcome::mismatch);
    auto taken = states.take(mine, clock.now(), returning("s-1"));
    ASSERT_EQ(taken.outcome, storage::TakeOutcome::taken);
    EXPECT_EQ(taken.value->nonce, "n-1");
    EXPECT_EQ(taken.value->provider, "franceconnect");
    EXPECT_EQ(states.take(mine, clock.now(), returning("s-1")).outcome, storage::TakeOutcome::none);  // replay
}

TEST_F(BrowserState, ExpiresAfterItsLifetime) {
    LogoutStates states(*db, system_random());
    auto cookie = states.start(PendingUpstreamLogout{"franceconnect", "s-1", "/deconnexion?x=1"}, clock.now());
    auto same_state = [](const PendingUpstreamLogout& p) { return returns_state(p.state, "s-1"); };
    clock.advance(std::chrono::seconds(601));
    EXPECT_EQ(states.take(browser(cookie), clock.now(), same_state).outcome, storage::TakeOutcome::none);
}

}  // namespace
