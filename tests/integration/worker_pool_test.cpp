// Blocking handlers run on a bounded pool; a full pool answers 503 at once.
#include <gtest/gtest.h>

#include <thread>

#include "test_server.hpp"

namespace caf::testing {
namespace {

// Polls /metrics (inline, so it answers while the pool is full) until `line` shows up.
bool metrics_show(TestServer& server, const std::string& line, std::chrono::milliseconds timeout = 3s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto response = server.fetch(get("/metrics"));
        if (response && response->body.find(line) != std::string::npos) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

TEST(WorkerPool, FullPoolAnswers503WithRetryAfterImmediately) {
    auto options = test_options();
    options.pool.threads = 1;
    options.pool.queue_capacity = 1;
    options.pool.retry_after = std::chrono::seconds(7);
    options.limits.idle_timeout = 5s;
    TestServer server(options);

    RawClient running(server.port());
    running.send(get("/gate"));
    ASSERT_TRUE(server.gate.wait_entered(1));
    RawClient queued(server.port());
    queued.send(get("/gate"));
    ASSERT_TRUE(metrics_show(server, "caf_worker_pool_queue_depth 1\n"));
    EXPECT_TRUE(metrics_show(server, "caf_worker_pool_busy_workers 1\n"));

    const auto sent = std::chrono::steady_clock::now();
    RawClient refused(server.port());
    refused.send(get("/gate"));
    auto rejection = refused.read_response(false, 2s);
    ASSERT_TRUE(rejection);
    EXPECT_EQ(rejection->status, 503);
    EXPECT_EQ(rejection->header("Retry-After").value_or(""), "7");
    EXPECT_LT(std::chrono::steady_clock::now() - sent, 1s) << "answered at once, not queued";
    EXPECT_TRUE(metrics_show(server, "caf_worker_pool_rejections_total 1\n"));

    server.gate.open();
    for (RawClient* client : {&running, &queued}) {
        auto response = client->read_response();
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->body, "passed");
    }
}

TEST(WorkerPool, BlockingHandlersDoNotHoldTheNetworkThreads) {
    auto options = test_options();
    options.threads = 1;  // one network thread: were handlers run on it, /hello would wait
    options.pool.threads = 2;
    TestServer server(options);
    RawClient held(server.port());
    held.send(get("/gate"));
    ASSERT_TRUE(server.gate.wait_entered(1));
    auto response = server.fetch(get("/hello"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    server.gate.open();
    EXPECT_TRUE(held.read_response());
}

}  // namespace
}  // namespace caf::testing
