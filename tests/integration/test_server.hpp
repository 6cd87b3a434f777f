// A real server on 127.0.0.1, port 0, with short injected timeouts and a few routes whose
// behaviour the tests control (a gate that holds blocking handlers, a throwing handler, ...).
#pragma once

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <stdexcept>

#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>

#include "core/router.hpp"
#include "http_client.hpp"
#include "server/server.hpp"

namespace caf::testing {

// Holds blocking handlers until opened; counts how many are waiting.
class Gate {
public:
    void pass() {
        std::unique_lock lock(mutex_);
        ++entered_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
    }
    void open() {
        std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    // True when `count` handlers are waiting within `timeout`.
    bool wait_entered(int count, std::chrono::milliseconds timeout = 3s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return entered_ >= count; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int entered_ = 0;
    bool open_ = false;
};

// A thread-safe in-memory log: tests read what the server wrote. The access line is written
// after the response, so readers wait for it rather than read once.
class StringSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    std::string text() {
        std::lock_guard lock(mutex_);
        return text_;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& message) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(message, formatted);
        text_.append(formatted.data(), formatted.size());
    }
    void flush_() override {}

private:
    std::string text_;
};

class CapturedLog {
public:
    CapturedLog() : sink_(std::make_shared<StringSink>()), logger_(std::make_shared<spdlog::logger>("captured", sink_)) {
        logger_->set_pattern("%v");
    }
    std::shared_ptr<spdlog::logger> logger() const { return logger_; }
    std::string text() { return sink_->text(); }
    // The whole log once it contains `needle`, or what it holds after `timeout`.
    std::string wait_for(std::string_view needle, std::chrono::milliseconds timeout = 2s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            std::string current = text();
            if (current.find(needle) != std::string::npos || std::chrono::steady_clock::now() > deadline) return current;
            std::this_thread::sleep_for(5ms);
        }
    }

private:
    std::shared_ptr<StringSink> sink_;
    std::shared_ptr<spdlog::logger> logger_;
};

inline server::Options test_options() {
    server::Options options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.pool.threads = 2;
    options.pool.queue_capacity = 4;
    options.limits.read_timeout = 300ms;
    options.limits.idle_timeout = 300ms;
    options.limits.write_timeout = 1s;
    options.drain_timeout = 3s;
    return options;
}

class TestServer {
public:
    explicit TestServer(server::Options options = test_options(),
                        std::function<void(http::Router&)> more_routes = {}) {
        using http::Execution;
        using http::Request;
        using http::Response;
        routes_.add("GET", "/hello", Execution::inline_cpu, [](const Request&) { return Response::text(200, "hello"); });
        routes_.add("GET", "/items", Execution::inline_cpu, [](const Request&) { return Response::text(200, "items"); });
        routes_.add("POST", "/items", Execution::blocking, [](const Request&) { return Response::text(201, "created"); });
        routes_.add("POST", "/echo", Execution::blocking, [](const Request& r) { return Response::text(200, r.body); });
        routes_.add("GET", "/things/*", Execution::inline_cpu, [](const Request& r) { return Response::text(200, r.path); });
        routes_.add("GET", "/whoami", Execution::inline_cpu, [](const Request& r) {
            return Response::text(200, r.remote_address + (r.secure ? " secure" : " plain"));
        });
        routes_.add("GET", "/throw", Execution::inline_cpu,
                    [](const Request&) -> Response { throw std::runtime_error("secret detail of the failure"); });
        routes_.add("GET", "/throw-blocking", Execution::blocking,
                    [](const Request&) -> Response { throw std::runtime_error("secret detail of the failure"); });
        routes_.add("GET", "/csp", Execution::inline_cpu, [](const Request&) {
            auto response = Response::html(200, "<p>page</p>");
            response.headers.set("Content-Security-Policy", "default-src 'none'");
            return response;
        });
        routes_.add("GET", "/gate", Execution::blocking, [this](const Request&) {
            gate.pass();
            return Response::text(200, "passed");
        });
        // Up to 1 MiB, for "Authorization: Bearer upload-token" only, like the admin import.
        const auto authorised = [](const Request& r) { return r.header("Authorization") == "Bearer upload-token"; };
        const http::Admission admit = [authorised](const Request& head) -> std::optional<Response> {
            if (!authorised(head)) return unauthorised();
            return std::nullopt;
        };
        routes_.add(
            "POST", "/upload", Execution::blocking,
            [authorised](const Request& r) {
                if (!authorised(r)) return unauthorised();
                return Response::text(200, std::to_string(r.body.size()) + " bytes");
            },
            http::LargeBody{1024 * 1024, admit});
        // The same, its body written to a temporary file instead of memory: the handler tells
        // where it found the body, its size and the file it was in.
        routes_.add(
            "POST", "/upload-to-file", Execution::blocking,
            [authorised](const Request& r) {
                if (!authorised(r)) return unauthorised();
                if (!r.body_file) return Response::text(200, "in memory: " + std::to_string(r.body.size()) + " bytes");
                std::ifstream file(*r.body_file, std::ios::binary);
                const std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
                return Response::text(200, "in a file: " + std::to_string(content.size()) + " bytes, " +
                                               std::to_string(r.body.size()) + " in memory, " + r.body_file->string());
            },
            http::LargeBody{1024 * 1024, admit, true});
        if (more_routes) more_routes(routes_);
        server::Logging logging{access_log.logger(), events.logger()};
        server_ = std::make_unique<server::Server>(options, routes_, [this] { return ready.load(); }, logging);
        server_->start();
    }
    ~TestServer() {
        gate.open();  // a held handler would make stop() wait for the drain timeout
        server_->stop();
    }

    static http::Response unauthorised() {
        auto response = http::Response::text(401, "unauthorised");
        response.headers.set("WWW-Authenticate", "Bearer");
        return response;
    }

    std::uint16_t port() const { return server_->port(); }
    server::Server& server() { return *server_; }

    // One request on a fresh connection.
    std::optional<HttpResponse> fetch(std::string_view request, bool head = false) {
        RawClient client(port());
        client.send(request);
        return client.read_response(head);
    }

    Gate gate;
    std::atomic<bool> ready{true};
    CapturedLog access_log;
    CapturedLog events;

private:
    http::Router routes_;
    std::unique_ptr<server::Server> server_;
};

}  // namespace caf::testing
