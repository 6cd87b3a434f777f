// From a neutral Request to a neutral Response: finds the route (built-in routes first, then the
// application's), runs an inline handler here, a blocking one on the worker pool, and turns
// "no route", "wrong method", "pool full" and "handler threw" into 404, 405, 503 and 500.
// No Beast here; the session does the wire format.
#pragma once

#include <chrono>
#include <memory>
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
    Dispatcher(const http::Router& builtins, const http::Router& application, WorkerPool& pool,
               std::chrono::seconds retry_after, std::shared_ptr<spdlog::logger> events);

    boost::asio::awaitable<Dispatched> dispatch(const http::Request& request) const;
    // The body limit of the route `method path` would go to: its own when it has one, else
    // `server_limit`. Read once the header is in, before the body.
    std::size_t body_limit(std::string_view method, std::string_view path, std::size_t server_limit) const;
    // The largest body any route accepts (`server_limit` at least).
    std::size_t largest_body_limit(std::size_t server_limit) const;

private:
    http::Response invoke(const http::Route& route, const http::Request& request) const;

    const http::Router& builtins_;
    const http::Router& application_;
    WorkerPool& pool_;
    std::chrono::seconds retry_after_;
    std::shared_ptr<spdlog::logger> events_;
};

// The plain-text error page the server itself answers with.
http::Response error_response(int status);

}  // namespace caf::server
