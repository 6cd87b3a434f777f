// The HTTP server: binds, serves the application's routes plus /healthz, /readyz, /metrics and
// /static/* (with a management listener, /metrics is served there instead), and stops
// gracefully. The only public header of server/ besides options.hpp; Beast
// and Asio stay behind it.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>

#include "core/router.hpp"
#include "server/options.hpp"

namespace spdlog {
class logger;
}

namespace caf::server {

// Runs inline on a network thread, so it must not block: it reads a state that a background task
// keeps (storage::StoreHealth). True: ready.
using ReadinessProbe = std::function<bool()>;

// The answer to a request whose handler threw: the application knows its store's errors and its
// pages (a French page for a browser, an OAuth error body for a client). nullopt: the server's
// own 500, with the exception logged. Runs where the handler ran; must not throw.
using FailureResponder = std::function<std::optional<http::Response>(const http::Request&, std::exception_ptr)>;

struct Logging {
    // One JSON object per request (see access_log.hpp; make_access_logger() builds one for stdout
    // or a file). Null: no access log.
    std::shared_ptr<spdlog::logger> access;
    // Handler exceptions, shutdown progress. Null: spdlog's default logger.
    std::shared_ptr<spdlog::logger> events;
};

class Server {
public:
    // `routes` must outlive the server. Throws on invalid options (trusted proxy, static root):
    // startup errors.
    Server(Options options, const http::Router& routes, ReadinessProbe ready, Logging logging = {},
           FailureResponder on_failure = {});
    ~Server();  // stop()
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds, listens and starts the network threads; returns once connections are accepted.
    // Throws std::runtime_error when the address cannot be bound or TLS files cannot be loaded.
    void start();
    // The bound port (the real one when Options::port was 0); valid after start().
    std::uint16_t port() const;
    // The management listener's bound port; 0 without one.
    std::uint16_t management_port() const;

    // Blocks until request_stop() (or a signal, below), then shuts down gracefully and returns.
    void run();
    // Thread-safe and non-blocking, callable from a handler: makes run() return.
    void request_stop();
    // Graceful shutdown, blocking until done: new connections are refused, idle keep-alive
    // connections closed, in-flight requests finish (up to Options::drain_timeout, then whatever
    // is left is closed), threads joined. Idempotent. Never call it from a handler (it would wait
    // for itself): use request_stop().
    void stop();
    // start() if needed, then run() until SIGINT or SIGTERM; returns the process exit code (0).
    int run_until_signal();
    // After a shutdown: false when a blocking task was still running at the drain deadline (a
    // hung store or upstream). The server must then not be destroyed (its pool would wait for
    // the task): the process should end at once, e.g. with std::_Exit.
    bool drained() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace caf::server
