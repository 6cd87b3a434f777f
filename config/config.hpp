// Typed configuration of Caf Connect, loaded from TOML. Every module reads a plain value from here;
// loading errors are fatal at startup and name the file, the key and the reason.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
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
    std::string issuer;  // exact issuer URL, no trailing slash
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;
    unsigned threads = 0;  // 0: one per core
    std::vector<std::string> trusted_proxies;
    bool hsts = false;  // always on with TLS; set it when a TLS proxy fronts the server
    std::filesystem::path static_root = "web/static";
    std::filesystem::path templates_root = "web/templates";
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

struct NotificationsConfig {
    std::optional<std::filesystem::path> outbox;  // development: every message as a JSON line
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
    unsigned refresh_reuse_grace = 10;               // a retried rotation within this is not theft
    unsigned session_idle = 30 * 60;                 // SSO session
    unsigned session_absolute = 12 * 3600;
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
    bool nir_claim = false;    // may receive the NIR itself
    std::optional<unsigned> access_token_lifetime;
    std::optional<unsigned> refresh_token_lifetime;
};

struct DevelopmentConfig {
    // Imported at every start (idempotent): the demo accounts of the run command.
    std::optional<std::filesystem::path> demo_accounts;
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
    DevelopmentConfig development;
    NotificationsConfig notifications;
    LogConfig log;
};

// Reads and validates a file; throws ConfigError.
Config load_file(const std::filesystem::path& file);
// Same, from text (tests); `name` stands for the file in errors.
Config load_text(std::string_view text, const std::string& name = "<text>");

// "HOST:PORT" or "[IPv6]:PORT"; nullopt when malformed.
std::optional<ListenAddress> parse_listen(std::string_view text);

}  // namespace caf::config
