// Typed configuration of Caf Connect, loaded from TOML. Every module reads a plain value from here;
// loading errors are fatal at startup and name the file, the key and the reason.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace caf::config {

struct ConfigError : std::runtime_error {
    ConfigError(std::string file, std::string key, std::string reason);
    std::string file;
    std::string key;
    std::string reason;
};

struct ListenAddress {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
};

struct ServerLimits {
    std::size_t header_bytes = 16 * 1024;
    std::size_t body_bytes = 1024 * 1024;
    std::chrono::milliseconds read_timeout{10'000};
    std::chrono::milliseconds idle_timeout{60'000};
    unsigned max_requests_per_connection = 1000;
    unsigned max_connections = 10'000;
};

struct ServerConfig {
    ListenAddress listen;
    // [management] listen: /metrics, /healthz, /readyz on a port of their own (plain HTTP, for
    // Prometheus and probes inside the datacenter); /metrics then leaves the public port.
    std::optional<ListenAddress> management_listen;
    std::string issuer;  // exact issuer URL, no trailing slash
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;
    unsigned threads = 0;  // 0: one per core
    std::vector<std::string> trusted_proxies;
    bool hsts = false;  // always on with TLS; set it when a TLS proxy fronts the server
    std::filesystem::path static_root = "web/static";
    std::filesystem::path templates_root = "web/templates";
    // On SIGTERM, requests under way get this long to finish; then the process exits anyway.
    std::chrono::seconds drain_timeout{10};
    ServerLimits limits;
};

struct WorkerConfig {
    unsigned threads = 8;
    unsigned queue = 256;
};

struct StoreConfig {
    std::string url;  // sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/DATABASE (a secret)
    unsigned pool_size = 8;
};

struct SecurityConfig {
    std::filesystem::path keys_dir = "var/keys";
    // 64 random bytes (hex): the first half encrypts personal data at rest, the second keys the
    // lookup HMACs. A secret: kept outside the database and outside the TOML.
    std::filesystem::path data_keys_file = "var/data-keys";
    bool generate_missing = false;  // development only: create the keys at first start
};

// Argon2id parameters for new hashes; a login with an older hash rehashes it (OWASP floor below).
struct PasswordConfig {
    unsigned argon2_memory_kib = 19456;
    unsigned argon2_iterations = 2;
    unsigned argon2_parallelism = 1;
};

// Outgoing mail, SMS and letters (SPEC.md §10). With `outbox` set every channel goes to that file
// instead; a channel with neither outbox nor transport stays queued until one is configured.
struct NotificationsConfig {
    std::optional<std::filesystem::path> outbox;  // development: every message as a JSON line
    std::optional<std::string> smtp_url;          // smtp://HOST:PORT (STARTTLS) or smtps://HOST:PORT
    std::optional<std::string> smtp_user;
    std::optional<std::string> smtp_password;     // a secret
    std::string smtp_from;                        // required with smtp_url: "Mon Compte <no-reply@caf.fr>"
    std::optional<std::string> sms_gateway_url;   // http(s)://HOST[:PORT]/PATH, JSON POST
    std::optional<std::string> sms_gateway_token; // a secret: Authorization: Bearer
    unsigned letter_code_validity_days = 15;      // a code sent by postal letter
    unsigned max_attempts = 8;                    // deliveries tried before giving up
    unsigned backoff_seconds = 30;                // first retry delay, doubled each time (≤ 1 h)
};

// Delivery of back-channel logout tokens, from the durable queue on a thread of its own.
struct BackchannelLogoutConfig {
    unsigned poll_interval_ms = 500;  // how often the queue is looked at when idle
    unsigned timeout_ms = 5000;       // one POST to a client
    unsigned max_attempts = 6;        // deliveries tried before giving up
    unsigned backoff_seconds = 10;    // first retry delay, doubled each time (≤ 1 h)
};

// Outgoing HTTP (providers, SMS gateway, external captcha, back-channel logouts): one client.
struct OutgoingConfig {
    // "http://[USER:PASSWORD@]HOST[:PORT]" of the forward proxy for every call (a secret: it may
    // hold a password). Unset: HTTPS_PROXY / HTTP_PROXY / NO_PROXY of the environment, if any.
    std::optional<std::string> proxy;
    std::vector<std::string> no_proxy;           // hosts called directly (NO_PROXY's rules)
    std::optional<std::filesystem::path> ca_file;  // trust anchors instead of the system's
    std::string user_agent = "cafconnect/0.1";
    unsigned max_response_kib = 1024;            // a longer answer fails the call
};

// How long the audit log keeps its entries; 0: for ever.
struct AuditConfig {
    unsigned retention_days = 0;
};

struct LogConfig {
    std::string level = "info";
    std::string access_log = "stdout";  // "stdout", "off" or a file path
};

// Lifetimes of what the provider issues (seconds).
struct OidcConfig {
    unsigned code_lifetime = 60;            // authorization codes: ≤ 60 s
    unsigned interaction_lifetime = 1800;   // a pending authorization request waiting for a login
    unsigned access_token_lifetime = 600;
    unsigned id_token_lifetime = 600;
    unsigned refresh_token_lifetime = 30 * 86400;   // absolute, for the whole family
    unsigned refresh_token_idle = 7 * 86400;         // unused for this long: expired
    // A rotated refresh token presented again within this, by its own client and before its
    // successor was used, is refused without revoking the family (a retry after a lost response).
    // 0: any reuse revokes the family at once. A public client's DPoP-bound refresh token is
    // useless without its key; any other is not, so a thief holding the client's credentials (or
    // a public client's id, without DPoP) looks like a retry.
    unsigned refresh_reuse_grace = 0;
    // Discovery's op_policy_uri (how personal data is handled) and service_documentation (the
    // partner guide); left out when empty. op_tos_uri is always the CGU page.
    std::string op_policy_uri;
    std::string service_documentation;
    unsigned session_idle = 30 * 60;                 // SSO session
    unsigned session_absolute = 12 * 3600;
    // Pushed authorization requests (RFC 9126): how long a request_uri stays usable (≤ 60 s), and
    // whether every client must push its authorization requests.
    unsigned request_uri_lifetime = 60;
    bool require_pushed_authorization_requests = false;
};

// A relying party registered in the configuration (SPEC.md §9).
struct ClientConfig {
    std::string client_id;
    std::string name;                   // shown on the consent page
    std::string type = "confidential";  // confidential | public
    std::string auth_method = "client_secret_basic";  // client_secret_basic | client_secret_post | private_key_jwt | none
    std::string secret_sha256;          // hex SHA-256 of the secret; the secret itself is never kept
    std::optional<std::filesystem::path> jwks_file;  // private_key_jwt: the client's public keys
    std::vector<std::string> redirect_uris;
    std::vector<std::string> post_logout_redirect_uris;
    std::vector<std::string> grant_types{"authorization_code"};
    std::vector<std::string> scopes{"openid"};
    std::string id_token_alg = "RS256";
    bool first_party = false;  // no consent screen
    bool nir_claim = false;    // may receive the NIR itself, at userinfo under the caf_nir scope
    // A resource server: may introspect access tokens whose `aud` holds one of these values
    // (besides its own tokens). Empty: its own tokens only.
    std::vector<std::string> introspection_resources;
    std::optional<unsigned> access_token_lifetime;
    std::optional<unsigned> refresh_token_lifetime;
    // Plain /authorize requests are refused: this client must use /par (RFC 9126 §5).
    bool require_pushed_authorization_requests = false;
    // RFC 9449 §5.2: every token request must carry a DPoP proof; its access tokens are DPoP-bound.
    bool dpop_bound_access_tokens = false;
    // RFC 9449 §8: DPoP proofs must carry a nonce this server issued (DPoP-Nonce).
    bool use_dpop_nonce = false;
    // OpenID Connect Back-Channel Logout 1.0 §2.2: where a logout_token is POSTed when an SSO
    // session this client took part in ends (empty: none), and whether the client needs its `sid`
    // (every logout token carries one, so this only documents the client's expectation).
    std::string backchannel_logout_uri;
    bool backchannel_logout_session_required = false;
};

// A protected resource (an API) clients may ask access tokens for with RFC 8707 `resource`: the
// token's `aud` is its `uri`, and its scope is narrowed to the resource's `scopes`.
struct ResourceConfig {
    std::string uri;                  // absolute URI without fragment: the `resource` value and the `aud`
    std::string name;                 // for operators
    std::vector<std::string> scopes;  // the API scopes it accepts
};

// An upstream OpenID Connect provider Caf Connect is a client of (SPEC.md §8): FranceConnect v2
// by default, v1 or another provider (ameli, impots) by configuration.
struct ProviderConfig {
    std::string name;                 // url-safe: /providers/<name>/callback
    std::string label;                // shown to the person: "FranceConnect"
    std::string issuer;               // exact
    bool discovery = true;            // read <issuer>/.well-known/openid-configuration
    // Explicit endpoints: required without discovery, override discovery's when given.
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string userinfo_endpoint;
    std::string jwks_uri;
    std::string end_session_endpoint;  // empty: no chained logout
    std::string client_id;
    std::string client_secret;         // a secret; client_secret_post / _basic, and HS256 (v1)
    std::optional<std::filesystem::path> private_key_file;  // private_key_jwt: PEM
    std::string private_key_kid;       // kid of that key as registered at the provider
    std::string token_endpoint_auth_method = "client_secret_post";  // | client_secret_basic | private_key_jwt
    std::string scopes = "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username";
    std::string acr_values = "eidas1";
    std::vector<std::string> id_token_algorithms{"ES256", "RS256"};
    bool userinfo_signed = true;
    std::string profile = "franceconnect_v2";  // | franceconnect_v1
    std::string verified_nir_claim;    // a claim carrying a NIR the provider vouches for; empty: none
    // Claim mapping ([providers.claims]): pivot field → the claim that carries it at this provider,
    // for the fields it names differently; FranceConnect's names otherwise (pivot_claim_fields).
    std::map<std::string, std::string> claim_names;
    std::string redirect_uri;          // ours: .../providers/<name>/callback
    std::string post_logout_redirect_uri;  // ours: .../providers/<name>/logout-callback
    unsigned timeout_ms = 5000;
    // The provider's share of the worker pool: calls to it under way at once (the others fail
    // at once), and how long it is left alone after a failure (calls fail at once meanwhile).
    unsigned max_concurrent_calls = 4;
    unsigned failure_cooldown_seconds = 30;
    std::string prompt = "login consent";
};

// The identity pivot's fields, under FranceConnect's claim names (SPEC.md §8), plus the contact
// data a provider may give.
inline constexpr const char* pivot_claim_fields[] = {"given_name", "family_name",  "birthdate",         "gender",
                                                     "birthplace", "birthcountry", "preferred_username", "email"};

struct DevelopmentConfig {
    // Imported at every start (idempotent): the demo accounts of the run command.
    std::optional<std::filesystem::path> demo_accounts;
};


// Login lockout (SPEC.md §3): captcha from the attempt after `captcha_after_failures` failures,
// first freeze at `freeze_after_failures`, then one duration per freeze (the last repeats); and
// a per-IP limit on login attempts, so one address cannot walk through many NIRs.
struct LockoutSettings {
    unsigned captcha_after_failures = 3;
    unsigned freeze_after_failures = 5;
    std::vector<unsigned> freeze_minutes{10, 20, 60, 1440};
    unsigned ip_max_attempts = 30;     // POST /connexion per IP address ...
    unsigned ip_window_minutes = 10;   // ... in this fixed window
};

// The built-in captcha (its secret is derived from the data key file, never in the TOML).
// "Créer Mon Compte" (SPEC.md §4).
struct CreationSettingsConfig {
    unsigned minimum_age = 15;             // members of an allocataire household aged 15 or more
    unsigned draft_lifetime_minutes = 60;  // an abandoned creation leaves only an expired draft
};

struct CaptchaSettings {
    unsigned validity_seconds = 300;
    std::string provider = "builtin";  // builtin (libgd PNG) | external (an HTTP captcha service)
    std::string service_url;           // external: http(s)://HOST[:PORT][/PATH]
    std::string service_token;         // external: a secret (service_token_env / _file)
    unsigned timeout_ms = 3000;
};

// Verification codes (SPEC.md §4–§6); the secret is derived from the data key file.
struct VerificationCodeSettings {
    // In seconds, so a test can watch a code expire in moments; the pages round them for people.
    unsigned sms_validity_seconds = 600;
    unsigned email_validity_seconds = 900;
    unsigned letter_validity_days = 15;
    unsigned max_tries = 5;
    unsigned resend_interval_seconds = 60;
    unsigned max_sends_per_hour = 5;
};

// The CGU version a person must have accepted before a session opens; its text is
// `<text_dir>/<version>.html`.
struct CguSettings {
    std::string version = "2024-03";
    std::filesystem::path text_dir = "web/cgu";
};

// Forced renewal and incitation window (SPEC.md §2), dates as "YYYY-MM-DD" (Paris days are
// approximated by UTC days). Empty: the rule is off.
struct PasswordRenewalSettings {
    std::string enforced_from;     // from this day on, an old password must be renewed at login
    std::string changed_before;    // "old": last changed before this day
    std::string incitation_from;   // the skippable "Protégez-vous" page, first day ...
    std::string incitation_until;  // ... and last day (included)
};

struct Config {
    std::filesystem::path source;  // the file it was read from
    ServerConfig server;
    WorkerConfig workers;
    StoreConfig store;
    SecurityConfig security;
    PasswordConfig passwords;
    OidcConfig oidc;
    std::vector<ClientConfig> clients;
    std::vector<ResourceConfig> resources;
    std::vector<ProviderConfig> providers;
    DevelopmentConfig development;
    NotificationsConfig notifications;
    BackchannelLogoutConfig backchannel_logout;
    AuditConfig audit;
    OutgoingConfig outgoing;
    LogConfig log;
    LockoutSettings lockout;
    CaptchaSettings captcha;
    CreationSettingsConfig creation;
    VerificationCodeSettings verification_codes;
    CguSettings cgu;
    PasswordRenewalSettings password_renewal;
};

// Environment variables as NAME=VALUE pairs. Those named CAFCONNECT__SECTION__KEY (or
// CAFCONNECT__SECTION__SUB__KEY) override one scalar key of the file, for containers: the value
// is read as TOML (8080, true, ["a", "b"], "quoted") when it is one, else taken as a string; a date
// stays a string. Arrays of tables ([[clients]], ...) cannot be overridden. Errors name the variable.
using Environment = std::vector<std::pair<std::string, std::string>>;
Environment process_environment();

// Reads and validates a file, with the overrides of `environment`; throws ConfigError.
Config load_file(const std::filesystem::path& file, const Environment& environment = process_environment());
// Same, from text (tests); `name` stands for the file in errors.
Config load_text(std::string_view text, const std::string& name = "<text>", const Environment& environment = {});

// "HOST:PORT" or "[IPv6]:PORT"; nullopt when malformed.
std::optional<ListenAddress> parse_listen(std::string_view text);

// "YYYY-MM-DD" as unix seconds at 00:00 UTC; nullopt when malformed.
std::optional<std::int64_t> parse_day(std::string_view text);

}  // namespace caf::config
