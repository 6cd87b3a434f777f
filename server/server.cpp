// Wires the pieces together and owns their lifetimes: io_context and its threads, listener,
// worker pool, sessions' shared context. The shutdown order lives here.
#include "server/server.hpp"

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <utility>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <spdlog/spdlog.h>

#include "server/access_log.hpp"
#include "server/builtin_routes.hpp"
#include "server/connections.hpp"
#include "server/dispatcher.hpp"
#include "server/listener.hpp"
#include "server/metrics.hpp"
#include "server/security_headers.hpp"
#include "server/session.hpp"
#include "server/static_files.hpp"
#include "server/tls_context.hpp"
#include "server/trusted_proxies.hpp"
#include "server/worker_pool.hpp"

namespace caf::server {

namespace asio = boost::asio;

namespace {

// After the drain timeout, connections still open are closed and get this long to unwind; the
// whole shutdown ends by drain_timeout + closing_grace.
constexpr std::chrono::milliseconds closing_grace{1000};

unsigned cores() { return std::max(1u, std::thread::hardware_concurrency()); }

std::size_t pool_threads(const WorkerPoolOptions& options) {
    return options.threads != 0 ? options.threads : std::max<std::size_t>(4, 2 * cores());
}

SecurityHeaderPolicy security_policy(const Options& options) {
    SecurityHeaderPolicy policy;
    policy.content_security_policy = options.content_security_policy;
    if (options.tls || options.hsts)
        policy.strict_transport_security = "max-age=" + std::to_string(options.hsts_max_age.count()) +
                                           "; includeSubDomains";
    return policy;
}

std::shared_ptr<const StaticFiles> static_files(const Options& options) {
    if (options.static_root.empty()) return nullptr;
    return std::make_shared<const StaticFiles>(options.static_root, options.static_max_age);
}

}  // namespace

// Members are declared in dependency order: everything that posts to the io_context or is
// referenced by sessions is destroyed before it.
struct Server::Impl {
    Impl(Options o, const http::Router& routes, ReadinessProbe ready, Logging logging, FailureResponder on_failure)
        : options(std::move(o)),
          events(logging.events ? logging.events : spdlog::default_logger()),
          io(static_cast<int>(options.threads != 0 ? options.threads : cores())),
          proxies(options.trusted_proxies),
          security(security_policy(options)),
          access_log(std::move(logging.access)),
          pool(pool_threads(options.pool), options.pool.queue_capacity),
          builtins(make_builtin_routes(metrics, pool, ready, static_files(options), !options.management)),
          dispatcher(builtins, routes, pool, options.pool.retry_after, events, on_failure),
          session_context{options.limits, dispatcher, proxies,     security,
                          metrics,        access_log, connections, stopping},
          management_builtins(make_builtin_routes(metrics, pool, std::move(ready), nullptr)),
          management_dispatcher(management_builtins, no_routes, pool, options.pool.retry_after, events,
                                std::move(on_failure)),
          management_context{options.limits, management_dispatcher, proxies,     security,
                             metrics,        access_log,            connections, stopping} {}

    void shutdown();

    Options options;
    std::shared_ptr<spdlog::logger> events;
    asio::io_context io;
    std::unique_ptr<asio::ssl::context> tls;
    TrustedProxies proxies;
    SecurityHeaderPolicy security;
    Metrics metrics;
    AccessLog access_log;
    ConnectionRegistry connections;
    std::atomic<bool> stopping{false};
    WorkerPool pool;
    http::Router builtins;
    Dispatcher dispatcher;
    SessionContext session_context;
    // The management listener's: the built-in routes only, with /metrics.
    http::Router no_routes;
    http::Router management_builtins;
    Dispatcher management_dispatcher;
    SessionContext management_context;
    std::optional<Listener> listener;
    std::optional<Listener> management_listener;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::optional<asio::signal_set> signals;
    std::vector<std::thread> threads;

    std::mutex mutex;
    std::condition_variable stop_requested_changed;
    bool stop_requested = false;
    bool started = false;
    std::once_flag shutdown_once;
    std::atomic<bool> drained{true};
};

void Server::Impl::shutdown() {
    std::call_once(shutdown_once, [this] {
        if (!started) {
            pool.stop();
            return;
        }
        stopping = true;
        // 1. Refuse new connections.
        listener->close();
        if (management_listener) management_listener->close();
        // 2. Idle keep-alive connections go now; busy ones close after their response.
        connections.close_idle();
        // 3. Bounded drain: a handler stuck on a dead database must not keep the process alive.
        const auto last_moment = std::chrono::steady_clock::now() + options.drain_timeout + closing_grace;
        if (!connections.wait_until_empty(options.drain_timeout)) {
            events->warn("shutdown: {} connection(s) still busy after the drain timeout, closing them",
                         connections.size());
            connections.close_all();
            connections.wait_until_empty(closing_grace);
        }
        work.reset();
        io.stop();
        for (auto& thread : threads) thread.join();
        // Queued blocking tasks run to completion, their connections already gone, unless one
        // outlives the deadline: then the caller must end the process without destroying us.
        if (!pool.stop_until(last_moment)) {
            const auto busy = pool.stats().busy;
            events->warn("shutdown: {} blocking task(s) still running after the drain timeout", busy);
            drained = false;
        }
    });
}

Server::Server(Options options, const http::Router& routes, ReadinessProbe ready, Logging logging,
               FailureResponder on_failure)
    : impl_(std::make_unique<Impl>(std::move(options), routes, std::move(ready), std::move(logging),
                                   std::move(on_failure))) {}

Server::~Server() { stop(); }

void Server::start() {
    auto& impl = *impl_;
    if (impl.started) throw std::logic_error("server already started");
    if (impl.options.tls) impl.tls = make_tls_context(*impl.options.tls);
    impl.listener.emplace(impl.io, impl.options.host, impl.options.port, [&impl](asio::ip::tcp::socket socket) {
        start_session(std::move(socket), impl.session_context, impl.tls.get());
    });
    if (impl.options.management)
        impl.management_listener.emplace(impl.io, impl.options.management->host, impl.options.management->port,
                                         [&impl](asio::ip::tcp::socket socket) {
                                             start_session(std::move(socket), impl.management_context, nullptr);
                                         });
    impl.work.emplace(asio::make_work_guard(impl.io));
    impl.listener->start();
    if (impl.management_listener) impl.management_listener->start();
    const unsigned count = impl.options.threads != 0 ? impl.options.threads : cores();
    for (unsigned i = 0; i < count; ++i) {
        impl.threads.emplace_back([&impl] {
            // A handler that lets an exception escape must not take a network thread down.
            for (;;) {
                try {
                    impl.io.run();
                    return;
                } catch (const std::exception& e) {
                    impl.events->error("network thread: unexpected exception: {}", e.what());
                }
            }
        });
    }
    impl.started = true;
}

std::uint16_t Server::port() const { return impl_->listener ? impl_->listener->port() : 0; }

std::uint16_t Server::management_port() const {
    return impl_->management_listener ? impl_->management_listener->port() : 0;
}

void Server::run() {
    {
        std::unique_lock lock(impl_->mutex);
        impl_->stop_requested_changed.wait(lock, [this] { return impl_->stop_requested; });
    }
    impl_->shutdown();
}

void Server::request_stop() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stop_requested = true;
    }
    impl_->stop_requested_changed.notify_all();
}

void Server::stop() {
    request_stop();
    impl_->shutdown();
}

bool Server::drained() const { return impl_->drained; }

int Server::run_until_signal() {
    if (!impl_->started) start();
    impl_->signals.emplace(impl_->io, SIGINT, SIGTERM);
    impl_->signals->async_wait([this](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        impl_->events->info("signal {} received: graceful shutdown", signal);
        request_stop();
    });
    run();
    return 0;
}

}  // namespace caf::server
