// What the lead's configuration loader fills in to run the HTTP server: a plain value, no parsing.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace caf::server {

// PEM files; when absent the server speaks plain HTTP (behind a TLS-terminating proxy).
struct TlsFiles {
    std::string certificate_chain_file;
    std::string private_key_file;
};

struct Limits {
    std::size_t header_bytes = 16 * 1024;      // request line + headers; more → 431
    std::size_t body_bytes = 1024 * 1024;      // more → 413
    // A request that has started must be complete within this delay (slowloris) → 408, close.
    std::chrono::milliseconds read_timeout{10'000};
    // A keep-alive connection waiting for its next request is closed silently after this.
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds write_timeout{10'000};
    std::size_t max_requests_per_connection = 1000;  // keep-alive / pipelining limit
    std::size_t max_connections = 10'000;           // more are accepted and closed at once
};

// The bounded pool that runs blocking routes (store, hashing, outgoing calls).
struct WorkerPoolOptions {
    std::size_t threads = 0;           // 0: twice the cores, at least 4
    std::size_t queue_capacity = 256;  // waiting tasks beyond the idle workers; more → 503
    std::chrono::seconds retry_after{1};
};

// A second, plain-HTTP listener for operators (Prometheus, probes): /metrics, /healthz and
// /readyz only; /metrics then leaves the public listener.
struct ManagementListener {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9090;  // 0: any free port, read Server::management_port()
};

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8443;  // 0: any free port, read Server::port() after start()
    unsigned threads = 0;       // network threads; 0: one per core
    std::optional<TlsFiles> tls;
    // Peers (addresses or CIDR blocks, IPv4 or IPv6) whose X-Forwarded-For, X-Forwarded-Proto and
    // X-Request-Id are believed. Anyone else's are ignored.
    std::vector<std::string> trusted_proxies;
    Limits limits;
    WorkerPoolOptions pool;
    // Strict-Transport-Security is sent when TLS is on, or when this says so (TLS at the proxy).
    bool hsts = false;
    std::chrono::seconds hsts_max_age{31'536'000};
    std::string content_security_policy =
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    std::string static_root;  // served under /static/ when not empty (web/static)
    std::chrono::seconds static_max_age{3600};
    std::optional<ManagementListener> management;
    // stop() waits this long for in-flight requests before closing what is left.
    std::chrono::milliseconds drain_timeout{10'000};
};

}  // namespace caf::server
