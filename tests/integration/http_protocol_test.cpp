// HTTP/1.1 on the wire: keep-alive, pipelining, HEAD, limits and timeouts, seen from a raw socket.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "test_server.hpp"

namespace caf::testing {
namespace {

using Clock = std::chrono::steady_clock;

TEST(HttpProtocol, KeepAliveServesSeveralRequestsOnOneConnection) {
    TestServer server;
    RawClient client(server.port());
    for (const char* target : {"/hello", "/items", "/hello"}) {
        client.send(get(target));
        auto response = client.read_response();
        ASSERT_TRUE(response) << target;
        EXPECT_EQ(response->status, 200);
        EXPECT_NE(response->header("Connection").value_or(""), "close");
    }
    client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nlast");
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "last");
}

TEST(HttpProtocol, PipelinedRequestsAreAnsweredInOrder) {
    TestServer server;
    RawClient client(server.port());
    // A blocking request first: if answers were sent as handlers finish, the inline ones would
    // overtake it.
    client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nfirst" + get("/hello") +
                get("/things/third"));
    auto first = client.read_response();
    auto second = client.read_response();
    auto third = client.read_response();
    ASSERT_TRUE(first && second && third);
    EXPECT_EQ(first->body, "first");
    EXPECT_EQ(second->body, "hello");
    EXPECT_EQ(third->body, "/things/third");
}

TEST(HttpProtocol, MalformedRequestIsAnswered400AndClosed) {
    TestServer server;
    RawClient client(server.port());
    client.send("GET /hello HTTP/1.1\r\nHost localhost\r\n\r\n");  // a header line without a colon
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(response->header("Connection").value_or(""), "close");
    EXPECT_TRUE(client.wait_closed(2s));
}

TEST(HttpProtocol, HeaderOverTheLimitIsAnswered431) {
    auto options = test_options();
    options.limits.header_bytes = 1024;
    TestServer server(options);
    RawClient client(server.port());
    client.send(get("/hello", "X-Padding: " + std::string(2000, 'a') + "\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 431);
    EXPECT_TRUE(client.wait_closed(2s));

    RawClient within_limit(server.port());
    within_limit.send(get("/hello", "X-Padding: " + std::string(500, 'a') + "\r\n"));
    auto ok = within_limit.read_response();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

TEST(HttpProtocol, BodyOverTheLimitIsAnswered413) {
    auto options = test_options();
    options.limits.body_bytes = 1024;
    TestServer server(options);
    RawClient client(server.port());
    client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 413);
    EXPECT_TRUE(client.wait_closed(3s));

    RawClient within_limit(server.port());
    within_limit.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'b'));
    auto ok = within_limit.read_response();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

// A route with a larger body limit than the server's (the admin import) first checks who sends
// it: /upload admits 1 MiB to "Authorization: Bearer upload-token" only (test_server.hpp).
std::string authorised_post(std::string_view target, std::string_view content_length, std::string_view body = "") {
    return "POST " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer upload-token\r\n" +
           "Content-Length: " + std::string(content_length) + "\r\n\r\n" + std::string(body);
}

TEST(HttpProtocol, LargeBodyRouteRefusesAnUnauthorisedRequestBeforeReadingItsBody) {
    auto options = test_options();
    options.limits.body_bytes = 1024;
    options.limits.read_timeout = 2s;
    TestServer server(options);
    RawClient client(server.port());
    const auto started = Clock::now();
    // The header alone: a server that waited for the body would answer 408 after the read timeout.
    client.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000000\r\n\r\n");
    auto response = client.read_response(false, 1500ms);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 401);
    EXPECT_EQ(response->header("WWW-Authenticate").value_or(""), "Bearer");
    EXPECT_LT(Clock::now() - started, 1s);
    EXPECT_TRUE(client.wait_closed(3s));

    RawClient within_server_limit(server.port());
    within_server_limit.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n0123456789");
    auto small = within_server_limit.read_response();
    ASSERT_TRUE(small);
    EXPECT_EQ(small->status, 401) << "the handler still authenticates";
}

TEST(HttpProtocol, LargeBodyRouteRefusesAnUnauthorisedExpectContinueWithoutTheInterimResponse) {
    auto options = test_options();
    options.limits.body_bytes = 1024;
    TestServer server(options);
    RawClient client(server.port());
    client.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 500000\r\n\r\n");
    auto response = client.read_response(false, 1s);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 401);
}

TEST(HttpProtocol, LargeBodyRouteReadsTheRouteLimitForAnAuthorisedRequestOnly) {
    auto options = test_options();
    options.limits.body_bytes = 1024;
    TestServer server(options);
    const std::string body(200000, 'b');
    RawClient client(server.port());
    client.send(authorised_post("/upload", std::to_string(body.size()), body));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "200000 bytes");

    RawClient too_large(server.port());
    too_large.send(authorised_post("/upload", "2000000"));
    auto refused = too_large.read_response();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 413);
}

TEST(HttpProtocol, LargeBodyRouteMayHaveItsBodyWrittenToATemporaryFileRemovedAfterTheResponse) {
    auto options = test_options();
    options.limits.body_bytes = 1024;
    TestServer server(options);
    const std::string body(300000, 'b');
    RawClient client(server.port());
    client.send(authorised_post("/upload-to-file", std::to_string(body.size()), body));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    ASSERT_EQ(response->status, 200);
    const std::string expected = "in a file: 300000 bytes, 0 in memory, ";
    ASSERT_EQ(response->body.substr(0, expected.size()), expected) << response->body;
    const std::filesystem::path file = response->body.substr(expected.size());
    const auto deadline = Clock::now() + 2s;
    while (std::filesystem::exists(file) && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(std::filesystem::exists(file)) << "the temporary file outlived its request";

    RawClient unauthorised(server.port());
    unauthorised.send("POST /upload-to-file HTTP/1.1\r\nHost: localhost\r\nContent-Length: 300000\r\n\r\n");
    auto refused = unauthorised.read_response(false, 1s);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
}

TEST(HttpProtocol, RequestNotFinishedWithinTheReadTimeoutIsAnswered408AndClosed) {
    TestServer server;  // read timeout 300 ms
    RawClient client(server.port());
    const auto started = Clock::now();
    client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n");  // the blank line never comes
    auto response = client.read_response(false, 3s);
    const auto elapsed = Clock::now() - started;
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 408);
    EXPECT_GE(elapsed, 250ms);
    EXPECT_TRUE(client.wait_closed(3s));
}

TEST(HttpProtocol, IdleKeepAliveConnectionIsClosedSilentlyAfterTheIdleTimeout) {
    auto options = test_options();
    options.limits.idle_timeout = 400ms;
    TestServer server(options);
    RawClient client(server.port());
    client.send(get("/hello"));
    ASSERT_TRUE(client.read_response());
    const auto answered = Clock::now();
    EXPECT_FALSE(client.wait_closed(150ms)) << "closed before the idle timeout";
    EXPECT_TRUE(client.wait_closed(3s));
    EXPECT_GE(Clock::now() - answered, 350ms);
    EXPECT_EQ(client.received_while_waiting(), "") << "an idle close sends nothing (no 408)";
}

TEST(HttpProtocol, ConnectionClosesAfterMaxRequestsPerConnection) {
    auto options = test_options();
    options.limits.max_requests_per_connection = 2;
    TestServer server(options);
    RawClient client(server.port());
    client.send(get("/hello"));
    auto first = client.read_response();
    ASSERT_TRUE(first);
    EXPECT_NE(first->header("Connection").value_or(""), "close");
    client.send(get("/hello"));
    auto second = client.read_response();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->header("Connection").value_or(""), "close");
    EXPECT_TRUE(client.wait_closed(2s));
}

TEST(HttpProtocol, ConnectionsBeyondMaxConnectionsAreClosedAtOnce) {
    auto options = test_options();
    options.limits.max_connections = 2;
    options.limits.idle_timeout = 5s;
    TestServer server(options);
    RawClient first(server.port()), second(server.port());
    for (RawClient* client : {&first, &second}) {
        client->send(get("/hello"));
        ASSERT_TRUE(client->read_response());
    }
    RawClient third(server.port());
    third.send(get("/hello"));
    EXPECT_FALSE(third.read_response(false, 1s));
    first.send(get("/hello"));
    EXPECT_TRUE(first.read_response()) << "the open connections keep working";
}

TEST(HttpProtocol, HeadIsServedByGetRoutesWithoutABody) {
    TestServer server;
    RawClient client(server.port());
    client.send("HEAD /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
    auto head = client.read_response(/*head=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->header("Content-Length").value_or(""), "5");
    // Had the body been sent, these bytes would come before the next status line.
    client.send(get("/items"));
    auto next = client.read_response();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200);
    EXPECT_EQ(next->body, "items");
}

TEST(HttpProtocol, ExpectContinueGetsAnInterimResponse) {
    TestServer server;
    RawClient client(server.port());
    client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    auto interim = client.read_response(false, 1s);
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    client.send("body");
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "body");
}

}  // namespace
}  // namespace caf::testing
