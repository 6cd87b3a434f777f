// Graceful stop: in-flight requests finish, new connections are refused, idle ones are closed.
#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <thread>

#include "test_server.hpp"

namespace caf::testing {
namespace {

TEST(Shutdown, StopLetsTheInFlightRequestFinishRefusesNewConnectionsAndReturns) {
    auto options = test_options();
    options.limits.idle_timeout = 10s;  // the idle connection must be closed by stop(), not by time
    options.drain_timeout = 5s;
    TestServer server(options);

    RawClient idle(server.port());
    idle.send(get("/hello"));
    ASSERT_TRUE(idle.read_response());

    RawClient in_flight(server.port());
    in_flight.send(get("/gate"));
    ASSERT_TRUE(server.gate.wait_entered(1));

    auto stopped = std::async(std::launch::async, [&] { server.server().stop(); });

    EXPECT_TRUE(idle.wait_closed(2s)) << "idle keep-alive connections are closed at once";
    bool refused = false;
    for (int i = 0; i < 100 && !refused; ++i) {
        RawClient late(server.port());
        refused = !late.connected();
        if (!refused) std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(refused) << "new connections are refused";
    EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout) << "stop() waits for the request in flight";

    server.gate.open();
    auto response = in_flight.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "passed");
    EXPECT_EQ(response->header("Connection").value_or(""), "close");
    EXPECT_EQ(stopped.wait_for(3s), std::future_status::ready) << "stop() returns once drained";
}

TEST(Shutdown, StopClosesWhatIsLeftAfterTheDrainTimeout) {
    auto options = test_options();
    options.drain_timeout = 200ms;
    TestServer server(options);
    RawClient in_flight(server.port());
    in_flight.send(get("/gate"));
    ASSERT_TRUE(server.gate.wait_entered(1));
    auto stopped = std::async(std::launch::async, [&] { server.server().stop(); });
    EXPECT_TRUE(in_flight.wait_closed(2s)) << "the stuck request's connection is closed at the deadline";
    server.gate.open();  // the handler itself cannot be interrupted; stop() joins the pool
    EXPECT_EQ(stopped.wait_for(3s), std::future_status::ready);
}

TEST(Shutdown, RequestStopMakesRunReturn) {
    TestServer server;
    auto running = std::async(std::launch::async, [&] { server.server().run(); });
    EXPECT_EQ(running.wait_for(100ms), std::future_status::timeout);
    server.server().request_stop();
    EXPECT_EQ(running.wait_for(3s), std::future_status::ready);
    RawClient late(server.port());
    EXPECT_FALSE(late.connected());
}

TEST(Shutdown, SigtermMakesRunUntilSignalStopGracefullyAndReturnZero) {
    TestServer server;
    struct sigaction before {};
    sigaction(SIGTERM, nullptr, &before);
    ASSERT_EQ(before.sa_handler, SIG_DFL);
    auto exit_code = std::async(std::launch::async, [&] { return server.server().run_until_signal(); });
    // Raise only once the handler is installed: the default action would kill the test binary.
    struct sigaction current {};
    for (int i = 0; i < 300; ++i) {
        sigaction(SIGTERM, nullptr, &current);
        if (current.sa_handler != SIG_DFL) break;
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_NE(current.sa_handler, SIG_DFL);
    std::raise(SIGTERM);
    ASSERT_EQ(exit_code.wait_for(3s), std::future_status::ready);
    EXPECT_EQ(exit_code.get(), 0);
    RawClient late(server.port());
    EXPECT_FALSE(late.connected());
}

}  // namespace
}  // namespace caf::testing
