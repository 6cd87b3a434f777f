// From a neutral Request to a neutral Response: finds the route (built-in routes first, then the
// application's), runs an inline handler here, a blocking one on the worker pool, and turns
// "no route", "wrong method", "pool full" and "handler threw" into 404, 405, 503 and 500.
// No Beast here; the session does the wire format.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include <utility>
#include <boost/asio/awaitable.hpp>

#include "core/http.hpp"
#include "core/router.hpp"
#include "server/worker_pool.hpp"

namespace spdlog {
class logger;
}

namespace caf::server {

struct Dispatched {
    http::Response response;
    std::string_view route;  // the route's pattern for metrics and logs, or unmatched_route
};

class Dispatcher {
public:
    // See server.hpp: the application's answer to a handler that threw.
    using FailureResponder = std::function<std::optional<http::Response>(const http::Request&, std::exception_ptr)>;

    Dispatcher(const http::Router& builtins, const http::Router& application, WorkerPool& pool,
               std::chrono::seconds retry_after, std::shared_ptr<spdlog::logger> events,
               FailureResponder on_failure = {});

    boost::asio::awaitable<Dispatched> dispatch(const http::Request& request) const;

    // What may be read of a request's body, decided once its header is in and before any of the
    // body is read: the limit of the route it goes to (its own large-body limit when its
    // admission lets the request in, else `server_limit`), or the response that refuses it.
    struct BodyAdmission {
        std::size_t limit = 0;
        std::optional<Dispatched> refused;
        bool to_file = false;  // the route reads its body from a temporary file
    };
    boost::asio::awaitable<BodyAdmission> admit_body(const http::Request& head, std::size_t server_limit) const;

private:
    http::Router::Match find(std::string_view method, std::string_view path) const;
    http::Response invoke(const http::Route& route, const http::Request& request) const;
    std::optional<http::Response> admit(const http::Route& route, const http::Request& head) const;
    http::Response pool_full() const;

    const http::Router& builtins_;
    const http::Router& application_;
    WorkerPool& pool_;
    std::chrono::seconds retry_after_;
    std::shared_ptr<spdlog::logger> events_;
    FailureResponder on_failure_;
};

// The plain-text error page the server itself answers with.
http::Response error_response(int status);

}  // namespace caf::server
