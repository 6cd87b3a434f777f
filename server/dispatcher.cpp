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

// Completes with (accepted, result): accepted is false when the pool was full.
template <class Result, class CompletionToken>
auto async_run_on_pool(WorkerPool& pool, std::function<Result()> job, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(bool, Result)>(
        [&pool](auto handler, std::function<Result()> job) {
            // Outstanding work keeps the io_context running while the task is on the pool.
            auto executor = asio::prefer(asio::get_associated_executor(handler),
                                         asio::execution::outstanding_work.tracked);
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            const bool accepted = pool.try_submit([shared, executor, job = std::move(job)] {
                Result result = job();
                asio::post(executor, [shared, result = std::move(result)]() mutable {
                    (*shared)(true, std::move(result));
                });
            });
            if (!accepted) {
                asio::post(executor, [shared]() mutable { (*shared)(false, Result{}); });
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
                       std::chrono::seconds retry_after, std::shared_ptr<spdlog::logger> events,
                       FailureResponder on_failure)
    : builtins_(builtins),
      application_(application),
      pool_(pool),
      retry_after_(retry_after),
      events_(std::move(events)),
      on_failure_(std::move(on_failure)) {}

http::Router::Match Dispatcher::find(std::string_view method, std::string_view path) const {
    if (method == "HEAD") method = "GET";
    auto match = builtins_.find(method, path);
    if (!match.route && match.allow.empty()) match = application_.find(method, path);
    return match;
}

asio::awaitable<Dispatched> Dispatcher::dispatch(const http::Request& request) const {
    auto match = find(request.method, request.path);
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
    auto [accepted, response] = co_await async_run_on_pool<http::Response>(
        pool_, [this, &route, &request] { return invoke(route, request); }, asio::use_awaitable);
    if (!accepted) response = pool_full();
    co_return Dispatched{std::move(response), route.path};
}

asio::awaitable<Dispatcher::BodyAdmission> Dispatcher::admit_body(const http::Request& head,
                                                                  std::size_t server_limit) const {
    const http::Route* route = find(head.method, head.path).route;
    if (!route || route->large_body.max_bytes == 0) co_return BodyAdmission{server_limit, std::nullopt};
    std::optional<http::Response> refusal;
    if (route->execution == http::Execution::inline_cpu) {
        refusal = admit(*route, head);
    } else {
        // The head lives in the awaiting coroutine's frame, which outlives the task.
        auto [accepted, answer] = co_await async_run_on_pool<std::optional<http::Response>>(
            pool_, [this, route, &head] { return admit(*route, head); }, asio::use_awaitable);
        refusal = accepted ? std::move(answer) : pool_full();
    }
    if (refusal) co_return BodyAdmission{server_limit, Dispatched{std::move(*refusal), route->path}};
    co_return BodyAdmission{route->large_body.max_bytes, std::nullopt, route->large_body.to_file};
}

namespace {

// Runs a route's code. When it throws, the exception is logged (request id and route, never the
// body: it may hold a password or a NIR) and the application's responder answers; what it does
// not know is a plain 500.
template <class Call>
http::Response guarded(spdlog::logger* events, const Dispatcher::FailureResponder& on_failure,
                       const http::Route& route, const http::Request& request, Call call) {
    try {
        return call();
    } catch (...) {
        std::string what = "unknown";
        try {
            throw;
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        if (events)
            events->error("handler threw: request_id={} route={} method={} error={}", request.request_id,
                          route.path, request.method, what);
        if (on_failure) {
            try {
                if (auto answer = on_failure(request, std::current_exception())) return std::move(*answer);
            } catch (...) {
                // A responder that throws is a bug: the plain 500 below.
            }
        }
    }
    return error_response(500);
}

}  // namespace

http::Response Dispatcher::invoke(const http::Route& route, const http::Request& request) const {
    return guarded(events_.get(), on_failure_, route, request, [&] { return route.handler(request); });
}

std::optional<http::Response> Dispatcher::admit(const http::Route& route, const http::Request& head) const {
    // nullopt admits the body; a handler that threw refuses it with the responder's answer.
    bool threw = true;
    std::optional<http::Response> decision;
    auto failure = guarded(events_.get(), on_failure_, route, head, [&] {
        decision = route.large_body.admit(head);
        threw = false;
        return http::Response{};
    });
    if (threw) return failure;
    return decision;
}

http::Response Dispatcher::pool_full() const {
    auto response = error_response(503);
    response.headers.set("Retry-After", std::to_string(retry_after_.count()));
    return response;
}

}  // namespace caf::server
