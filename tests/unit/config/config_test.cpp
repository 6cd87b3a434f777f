// Configuration loading: what a valid file gives and how a bad one is reported.
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using caf::config::ConfigError;
using caf::config::load_text;

namespace {
constexpr const char* minimal = R"(
[server]
listen = "127.0.0.1:0"
issuer = "https://connect.caf.test"
[store]
url = "sqlite:var/test.db"
)";

// The error a text produces, or a note that it loaded.
ConfigError error_of(const std::string& text) {
    try {
        load_text(text, "test.toml");
    } catch (const ConfigError& e) {
        return e;
    }
    return ConfigError("test.toml", "", "loaded without error");
}

// The error the minimal file gives with `environment`.
ConfigError error_of_environment(const caf::config::Environment& environment) {
    try {
        load_text(minimal, "test.toml", environment);
    } catch (const ConfigError& e) {
        return e;
    }
    return ConfigError("test.toml", "", "loaded without error");
}
}  // namespace

TEST(Config, MinimalFileGivesDefaults) {
    auto config = load_text(minimal, "test.toml");
    EXPECT_EQ(config.server.listen.port, 0);
    EXPECT_EQ(config.server.issuer, "https://connect.caf.test");
    EXPECT_EQ(config.store.url, "sqlite:var/test.db");
    EXPECT_FALSE(config.server.tls_cert.has_value());
    EXPECT_EQ(config.server.limits.header_bytes, 16384u);
    EXPECT_EQ(config.oidc.refresh_reuse_grace, 0u) << "a reused refresh token revokes its family at once";
}

TEST(Config, UnknownKeyIsNamed) {
    auto e = error_of(std::string(minimal) + "[server.limits]\nheader_byte = 10\n");
    EXPECT_EQ(e.file, "test.toml");
    EXPECT_EQ(e.key, "server.limits.header_byte");
    EXPECT_EQ(e.reason, "unknown key");
}

TEST(Config, WrongTypeIsNamed) {
    auto e = error_of(R"([server]
listen = 8080
issuer = "https://x.fr"
[store]
url = "sqlite:x")");
    EXPECT_EQ(e.key, "server.listen");
    EXPECT_EQ(e.reason, "expected a string");
}

TEST(Config, MissingIssuerIsFatal) {
    auto e = error_of("[store]\nurl = \"sqlite:x\"\n");
    EXPECT_EQ(e.key, "server.issuer");
}

TEST(Config, IssuerWithTrailingSlashIsRefused) {
    auto e = error_of("[server]\nissuer = \"https://x.fr/\"\n[store]\nurl = \"sqlite:x\"\n");
    EXPECT_EQ(e.key, "server.issuer");
}

TEST(Config, TlsCertWithoutKeyIsRefused) {
    auto e2 = error_of(R"([server]
issuer = "https://x.fr"
tls_cert = "a.pem"
[store]
url = "sqlite:x")");
    EXPECT_EQ(e2.key, "server.tls_key");
}

TEST(Config, SyntaxErrorGivesLine) {
    auto e = error_of("[server\n");
    EXPECT_NE(e.reason.find("line 1"), std::string::npos);
}

TEST(Config, StoreUrlFromEnvironment) {
    ::setenv("CAF_TEST_STORE_URL", "mysql://u:p@127.0.0.1:3306/caf", 1);
    auto config = load_text(R"([server]
issuer = "https://x.fr"
[store]
url_env = "CAF_TEST_STORE_URL")");
    EXPECT_EQ(config.store.url, "mysql://u:p@127.0.0.1:3306/caf");
}

TEST(Config, StoreUrlFromUnsetEnvironmentIsNamed) {
    auto e = error_of(R"([server]
issuer = "https://x.fr"
[store]
url_env = "CAF_TEST_NOT_SET_ANYWHERE")");
    EXPECT_EQ(e.key, "store.url_env");
}

TEST(Config, SecretGivenTwiceIsRefused) {
    auto e = error_of(R"([server]
issuer = "https://x.fr"
[store]
url = "sqlite:x"
url_env = "X")");
    EXPECT_EQ(e.key, "store.url");
}

TEST(ListenAddress, ParsesHostPortAndIpv6) {
    auto a = caf::config::parse_listen("0.0.0.0:8443").value();
    EXPECT_EQ(a.host, "0.0.0.0");
    EXPECT_EQ(a.port, 8443);
    auto b = caf::config::parse_listen("[::1]:80").value();
    EXPECT_EQ(b.host, "::1");
    EXPECT_FALSE(caf::config::parse_listen("localhost").has_value());
    EXPECT_FALSE(caf::config::parse_listen("h:70000").has_value());
}

TEST(Config, ClientsAreReadAndTheirSecretKeptOnlyAsDigest) {
    auto config = load_text(std::string(minimal) + R"(
[[clients]]
client_id = "caf-portal"
secret = "caf-portal-dev-secret"
redirect_uris = ["https://www.caf.fr/callback"]
scopes = ["openid", "profile"]
first_party = true

[[clients]]
client_id = "caf-mobile"
type = "public"
redirect_uris = ["fr.caf.moncompte:/callback"]
grant_types = ["authorization_code", "refresh_token"]
)");
    ASSERT_EQ(config.clients.size(), 2u);
    EXPECT_EQ(config.clients[0].auth_method, "client_secret_basic");
    EXPECT_EQ(config.clients[0].secret_sha256.size(), 64u);
    EXPECT_EQ(config.clients[1].auth_method, "none");
}

TEST(Config, AResourceServerNamesTheAudiencesItMayIntrospect) {
    auto config = load_text(std::string(minimal) + R"(
[[clients]]
client_id = "api-gateway"
secret = "api-gateway-dev-secret"
grant_types = ["client_credentials"]
scopes = ["caf_api.read"]
introspection_resources = ["https://connect.caf.test"]
)");
    ASSERT_EQ(config.clients.size(), 1u);
    EXPECT_EQ(config.clients[0].introspection_resources, std::vector<std::string>{"https://connect.caf.test"});

    auto e = error_of(std::string(minimal) + R"(
[[clients]]
client_id = "app"
type = "public"
redirect_uris = ["app:/cb"]
introspection_resources = ["https://connect.caf.test"]
)");
    EXPECT_EQ(e.key, "clients[0].introspection_resources");
}

TEST(Config, CafNirScopeNeedsTheNirClaimPermission) {
    auto e = error_of(std::string(minimal) + R"(
[[clients]]
client_id = "caf-portal"
secret = "caf-portal-dev-secret"
redirect_uris = ["https://www.caf.fr/callback"]
scopes = ["openid", "caf_nir"]
)");
    EXPECT_EQ(e.key, "clients[0].scopes");
    EXPECT_EQ(e.reason, "caf_nir needs nir_claim = true");
}

TEST(Config, ConfidentialClientWithoutSecretIsNamed) {
    auto e = error_of(std::string(minimal) + R"(
[[clients]]
client_id = "caf-portal"
redirect_uris = ["https://www.caf.fr/callback"]
)");
    EXPECT_EQ(e.key, "clients[0].secret");
}

TEST(Config, PublicClientWithSecretMethodIsRefused) {
    auto e = error_of(std::string(minimal) + R"(
[[clients]]
client_id = "app"
type = "public"
auth_method = "client_secret_post"
redirect_uris = ["app:/cb"]
)");
    EXPECT_EQ(e.key, "clients[0].auth_method");
}

TEST(Config, DuplicateClientIdIsRefused) {
    auto e = error_of(std::string(minimal) + R"(
[[clients]]
client_id = "p"
grant_types = ["client_credentials"]
secret = "0123456789abcdef0"
[[clients]]
client_id = "p"
grant_types = ["client_credentials"]
secret = "0123456789abcdef0"
)");
    EXPECT_EQ(e.key, "clients[1].client_id");
}

TEST(Config, RedirectUriWithFragmentIsRefused) {
    auto e = error_of(std::string(minimal) + R"(
[[clients]]
client_id = "p"
secret = "0123456789abcdef0"
redirect_uris = ["https://x.fr/cb#frag"]
)");
    EXPECT_EQ(e.key, "clients[0].redirect_uris");
}

TEST(Config, DrainTimeoutIsTenSecondsUnlessConfigured) {
    EXPECT_EQ(load_text(minimal, "test.toml").server.drain_timeout, std::chrono::seconds(10));
    auto with = [](const std::string& line) {
        std::string text = minimal;
        text.insert(text.find("[store]"), line + "\n");
        return text;
    };
    EXPECT_EQ(load_text(with("drain_timeout_seconds = 3"), "test.toml").server.drain_timeout, std::chrono::seconds(3));
    auto e = error_of(with("drain_timeout_seconds = 0"));
    EXPECT_EQ(e.key, "server.drain_timeout_seconds");
}

TEST(Config, PushedAuthorizationRequestsAreOptionalAndTheirRequestUriLivesAtMostAMinute) {
    auto defaults = load_text(minimal, "test.toml");
    EXPECT_EQ(defaults.oidc.request_uri_lifetime, 60u);
    EXPECT_FALSE(defaults.oidc.require_pushed_authorization_requests);

    auto config = load_text(std::string(minimal) + R"(
[oidc]
request_uri_lifetime = 10
require_pushed_authorization_requests = true
[[clients]]
client_id = "caf-portal"
secret = "caf-portal-dev-secret"
redirect_uris = ["https://www.caf.fr/callback"]
require_pushed_authorization_requests = true
)", "test.toml");
    EXPECT_EQ(config.oidc.request_uri_lifetime, 10u);
    EXPECT_TRUE(config.oidc.require_pushed_authorization_requests);
    EXPECT_TRUE(config.clients[0].require_pushed_authorization_requests);

    EXPECT_EQ(error_of(std::string(minimal) + "[oidc]\nrequest_uri_lifetime = 61\n").key, "oidc.request_uri_lifetime");
}

TEST(Config, AClientWithoutTheCodeFlowCannotRequirePushedRequests) {
    auto e = error_of(std::string(minimal) + R"(
[[clients]]
client_id = "api"
auth_method = "client_secret_post"
secret = "api-gateway-dev-secret"
grant_types = ["client_credentials"]
require_pushed_authorization_requests = true
)");
    EXPECT_EQ(e.key, "clients[0].require_pushed_authorization_requests");
    EXPECT_EQ(e.reason, "needs the authorization_code grant");
}

TEST(Config, AClientNamesItsBackChannelLogoutEndpoint) {
    auto config = load_text(std::string(minimal) + R"(
[backchannel_logout]
timeout_ms = 2000
max_attempts = 4
[[clients]]
client_id = "caf-portal"
secret = "caf-portal-dev-secret"
redirect_uris = ["https://www.caf.fr/callback"]
backchannel_logout_uri = "https://www.caf.fr/backchannel-logout"
backchannel_logout_session_required = true
)", "test.toml");
    EXPECT_EQ(config.clients[0].backchannel_logout_uri, "https://www.caf.fr/backchannel-logout");
    EXPECT_TRUE(config.clients[0].backchannel_logout_session_required);
    EXPECT_EQ(config.backchannel_logout.timeout_ms, 2000u);
    EXPECT_EQ(config.backchannel_logout.max_attempts, 4u);
    EXPECT_EQ(load_text(minimal, "test.toml").backchannel_logout.max_attempts, 6u);
}

TEST(Config, ABackChannelLogoutUriMustBeAnAbsoluteHttpUriOfAConfidentialClient) {
    const std::string client = std::string(minimal) + R"(
[[clients]]
client_id = "caf-portal"
secret = "caf-portal-dev-secret"
redirect_uris = ["https://www.caf.fr/callback"]
)";
    EXPECT_EQ(error_of(client + "backchannel_logout_uri = \"/backchannel-logout\"\n").key,
              "clients[0].backchannel_logout_uri");
    EXPECT_EQ(error_of(client + "backchannel_logout_uri = \"https://www.caf.fr/bcl#x\"\n").key,
              "clients[0].backchannel_logout_uri");
    EXPECT_EQ(error_of(client + "backchannel_logout_session_required = true\n").key,
              "clients[0].backchannel_logout_session_required");
    auto e = error_of(std::string(minimal) + R"(
[[clients]]
client_id = "app"
type = "public"
auth_method = "none"
redirect_uris = ["app:/cb"]
backchannel_logout_uri = "https://app.example/bcl"
)");
    EXPECT_EQ(e.key, "clients[0].backchannel_logout_uri");
    EXPECT_EQ(error_of(std::string(minimal) + "[backchannel_logout]\nmax_attempts = 0\n").key,
              "backchannel_logout.max_attempts");
}

TEST(ConfigEnvironment, AVariableOverridesAScalarKeyOfAnyTableWithItsTomlType) {
    auto config = load_text(std::string(minimal) + "[oidc]\naccess_token_lifetime = 300\n", "test.toml",
                            {{"CAFCONNECT__OIDC__ACCESS_TOKEN_LIFETIME", "900"},
                             {"CAFCONNECT__SERVER__LISTEN", "0.0.0.0:9090"},
                             {"CAFCONNECT__SERVER__LIMITS__HEADER_BYTES", "8192"},
                             {"CAFCONNECT__SERVER__HSTS", "true"},
                             {"CAFCONNECT__STORE__URL", "mysql://caf:secret@db:3306/caf"},
                             {"CAFCONNECT__PASSWORD_RENEWAL__ENFORCED_FROM", "2024-02-15"},
                             {"CAFCONNECT__PASSWORD_RENEWAL__CHANGED_BEFORE", "2024-01-01"},
                             {"CAFCONNECT__SERVER__TRUSTED_PROXIES", "[\"10.0.0.0/8\"]"},
                             {"OTHER__SERVER__LISTEN", "ignored"}});
    EXPECT_EQ(config.oidc.access_token_lifetime, 900u);
    EXPECT_EQ(config.server.listen.host, "0.0.0.0");
    EXPECT_EQ(config.server.listen.port, 9090);
    EXPECT_EQ(config.server.limits.header_bytes, 8192u);
    EXPECT_TRUE(config.server.hsts);
    EXPECT_EQ(config.store.url, "mysql://caf:secret@db:3306/caf");
    EXPECT_EQ(config.password_renewal.enforced_from, "2024-02-15") << "a day stays text";
    EXPECT_EQ(config.server.trusted_proxies.size(), 1u);
}

TEST(ConfigEnvironment, ErrorsNameTheVariable) {
    auto e = error_of_environment({{"CAFCONNECT__SERVER__LISTEN", "nowhere"}});
    EXPECT_EQ(e.key, "server.listen");
    EXPECT_NE(e.reason.find("CAFCONNECT__SERVER__LISTEN"), std::string::npos) << e.reason;

    e = error_of_environment({{"CAFCONNECT__SERVER__LISTNE", "127.0.0.1:1"}});
    EXPECT_EQ(e.key, "server.listne");
    EXPECT_EQ(e.reason, "unknown key (set by CAFCONNECT__SERVER__LISTNE)");

    e = error_of_environment({{"CAFCONNECT__LISTEN", "127.0.0.1:1"}});
    EXPECT_EQ(e.key, "CAFCONNECT__LISTEN");

    e = error_of_environment({{"CAFCONNECT__SERVER__LIMITS", "3"}});
    EXPECT_EQ(e.key, "server.limits");
    EXPECT_EQ(e.reason, "expected a table (set by CAFCONNECT__SERVER__LIMITS)");
    e = error_of_environment({{"CAFCONNECT__SERVER__LIMITS__HEADER_BYTES", "1"},
                              {"CAFCONNECT__SERVER__LIMITS", "3"}});
    EXPECT_EQ(e.key, "CAFCONNECT__SERVER__LIMITS") << "a table is no scalar";

    e = error_of_environment({{"CAFCONNECT__CLIENTS__SECRET", "x"}});
    EXPECT_EQ(e.key, "CAFCONNECT__CLIENTS__SECRET") << "[[clients]] cannot be overridden";

    e = error_of_environment({{"CAFCONNECT__SERVER__", "x"}});
    EXPECT_EQ(e.key, "CAFCONNECT__SERVER__");
}

TEST(Config, AManagementListenerHasItsOwnAddress) {
    EXPECT_FALSE(load_text(minimal, "test.toml").server.management_listen.has_value());
    auto config = load_text(std::string(minimal) + "[management]\nlisten = \"0.0.0.0:9090\"\n", "test.toml");
    ASSERT_TRUE(config.server.management_listen.has_value());
    EXPECT_EQ(config.server.management_listen->host, "0.0.0.0");
    EXPECT_EQ(config.server.management_listen->port, 9090);
    EXPECT_EQ(error_of(std::string(minimal) + "[management]\nlisten = \"9090\"\n").key, "management.listen");
    auto same = error_of(R"([server]
listen = "127.0.0.1:8080"
issuer = "https://connect.caf.test"
[store]
url = "sqlite:x"
[management]
listen = "127.0.0.1:8080"
)");
    EXPECT_EQ(same.key, "management.listen");
    EXPECT_EQ(same.reason, "must differ from [server] listen");
}

TEST(Config, AuditEntriesAreKeptForEverUnlessARetentionIsGiven) {
    EXPECT_EQ(load_text(minimal, "test.toml").audit.retention_days, 0u);
    EXPECT_EQ(load_text(std::string(minimal) + "[audit]\nretention_days = 400\n", "test.toml").audit.retention_days, 400u);
    EXPECT_EQ(error_of(std::string(minimal) + "[audit]\nretention_days = -1\n").key, "audit.retention_days");
}
