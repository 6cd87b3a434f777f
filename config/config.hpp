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

struct Config {
    std::filesystem::path source;  // the file it was read from
    ServerConfig server;
    WorkerConfig workers;
    StoreConfig store;
    SecurityConfig security;
    PasswordConfig passwords;
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
