// A blocking handler runs on the pool while the connection's coroutine waits; the completion is
// posted back to the connection's strand, so the coroutine never resumes on a worker thread.
#include "server/dispatcher.hpp"

#include <algorithm>
#include <exception>
#include <functional>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/logger.h>

#include "server/metrics.hpp"

namespace caf::server {

namespace asio = boost::asio;

namespace {

// Completes with (accepted, response): accepted is false when the pool was full.
template <class CompletionToken>
auto async_run_on_pool(WorkerPool& pool, std::function<http::Response()> job, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(bool, http::Response)>(
        [&pool](auto handler, std::function<http::Response()> job) {
            // Outstanding work keeps the io_context running while the task is on the pool.
            auto executor = asio::prefer(asio::get_associated_executor(handler),
                                         asio::execution::outstanding_work.tracked);
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            const bool accepted = pool.try_submit([shared, executor, job = std::move(job)] {
                http::Response response = job();
                asio::post(executor, [shared, response = std::move(response)]() mutable {
                    (*shared)(true, std::move(response));
                });
            });
            if (!accepted) {
                asio::post(executor, [shared]() mutable { (*shared)(false, http::Response{}); });
            }
        },
        token, std::move(job));
}

// HEAD is served by GET routes, so a path with GET allows HEAD too.
std::string allow_header(std::string allow) {
    const bool has_get = allow.find("GET") != std::string::npos;
    if (has_get && allow.find("HEAD") == std::string::npos) allow += ", HEAD";
    return allow;
}

}  // namespace

http::Response error_response(int status) {
    return http::Response::text(status, std::string(http::reason_phrase(status)) + "\n");
}

Dispatcher::Dispatcher(const http::Router& builtins, const http::Router& application, WorkerPool& pool,
                       std::chrono::seconds retry_after, std::shared_ptr<spdlog::logger> events)
    : builtins_(builtins),
      application_(application),
      pool_(pool),
      retry_after_(retry_after),
      events_(std::move(events)) {}

asio::awaitable<Dispatched> Dispatcher::dispatch(const http::Request& request) const {
    const std::string_view method = request.method == "HEAD" ? std::string_view("GET") : request.method;
    auto match = builtins_.find(method, request.path);
    if (!match.route && match.allow.empty()) match = application_.find(method, request.path);
    if (!match.route) {
        if (match.allow.empty()) co_return Dispatched{error_response(404), unmatched_route};
        auto response = error_response(405);
        response.headers.set("Allow", allow_header(match.allow));
        co_return Dispatched{std::move(response), unmatched_route};
    }
    const http::Route& route = *match.route;
    if (route.execution == http::Execution::inline_cpu) {
        co_return Dispatched{invoke(route, request), route.path};
    }
    // The request lives in the awaiting coroutine's frame, which outlives the task.
    auto [accepted, response] = co_await async_run_on_pool(
        pool_, [this, &route, &request] { return invoke(route, request); }, asio::use_awaitable);
    if (!accepted) {
        response = error_response(503);
        response.headers.set("Retry-After", std::to_string(retry_after_.count()));
    }
    co_return Dispatched{std::move(response), route.path};
}

std::size_t Dispatcher::body_limit(std::string_view method, std::string_view path, std::size_t server_limit) const {
    auto match = builtins_.find(method, path);
    if (!match.route && match.allow.empty()) match = application_.find(method, path);
    if (!match.route || match.route->max_body_bytes == 0) return server_limit;
    return match.route->max_body_bytes;
}

std::size_t Dispatcher::largest_body_limit(std::size_t server_limit) const {
    std::size_t largest = server_limit;
    for (const auto* router : {&builtins_, &application_})
        for (const auto& route : router->routes()) largest = std::max(largest, route.max_body_bytes);
    return largest;
}

http::Response Dispatcher::invoke(const http::Route& route, const http::Request& request) const {
    // The log names the request id and route, never the body: it may hold a password or a NIR.
    try {
        return route.handler(request);
    } catch (const std::exception& e) {
        if (events_)
            events_->error("handler threw: request_id={} route={} method={} error={}", request.request_id,
                           route.path, request.method, e.what());
    } catch (...) {
        if (events_)
            events_->error("handler threw: request_id={} route={} method={} error=unknown",
                           request.request_id, route.path, request.method);
    }
    return error_response(500);
}

}  // namespace caf::server
