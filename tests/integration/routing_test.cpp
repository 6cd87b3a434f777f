// Routing outcomes (404, 405, 500) and the headers every response carries.
#include <gtest/gtest.h>

#include <set>

#include "server/trusted_proxies.hpp"
#include "test_server.hpp"

namespace caf::testing {
namespace {

TEST(Routing, UnknownPathIsAnswered404) {
    TestServer server;
    auto response = server.fetch(get("/nowhere"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 404);
}

TEST(Routing, WrongMethodIsAnswered405WithAllow) {
    TestServer server;
    auto response = server.fetch("DELETE /items HTTP/1.1\r\nHost: localhost\r\n\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 405);
    const std::string allow = response->header("Allow").value_or("");
    EXPECT_NE(allow.find("GET"), std::string::npos) << allow;
    EXPECT_NE(allow.find("POST"), std::string::npos) << allow;
    EXPECT_NE(allow.find("HEAD"), std::string::npos) << allow;
}

TEST(Routing, ThrowingHandlerIsAnswered500WithAGenericBodyAndLoggedWithItsRequestId) {
    TestServer server;
    for (const char* target : {"/throw", "/throw-blocking"}) {
        auto response = server.fetch(get(target));
        ASSERT_TRUE(response) << target;
        EXPECT_EQ(response->status, 500) << target;
        EXPECT_EQ(response->body.find("secret detail"), std::string::npos) << "the exception stays in the log";
        const std::string id = response->header("X-Request-Id").value_or("missing");
        const std::string log = server.events.wait_for(id);
        EXPECT_NE(log.find(id), std::string::npos) << log;
    }
}

TEST(SecurityHeaders, PresentOn200And404And500Alike) {
    TestServer server;
    std::set<std::string> ids;
    for (const char* target : {"/hello", "/nowhere", "/throw"}) {
        auto response = server.fetch(get(target));
        ASSERT_TRUE(response) << target;
        EXPECT_EQ(response->header("Content-Security-Policy").value_or(""),
                  "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
            << target;
        EXPECT_EQ(response->header("X-Content-Type-Options").value_or(""), "nosniff") << target;
        EXPECT_EQ(response->header("Referrer-Policy").value_or(""), "no-referrer") << target;
        EXPECT_EQ(response->header("X-Frame-Options").value_or(""), "DENY") << target;
        EXPECT_EQ(response->header("Cache-Control").value_or(""), "no-store") << target;
        EXPECT_FALSE(response->header("Strict-Transport-Security")) << "plain HTTP without hsts";
        const auto id = response->header("X-Request-Id");
        ASSERT_TRUE(id) << target;
        EXPECT_GE(id->size(), 16u);
        ids.insert(*id);
    }
    EXPECT_EQ(ids.size(), 3u) << "one id per request";
}

TEST(SecurityHeaders, PresentOnResponsesTheServerMakesItself) {
    TestServer server;
    RawClient client(server.port());
    client.send("GET /hello HTTP/1.1\r\nHost localhost\r\n\r\n");
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400);
    EXPECT_EQ(response->header("X-Frame-Options").value_or(""), "DENY");
    EXPECT_TRUE(response->header("X-Request-Id"));
}

TEST(SecurityHeaders, HandlerMayOverrideTheContentSecurityPolicy) {
    TestServer server;
    auto response = server.fetch(get("/csp"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header("Content-Security-Policy").value_or(""), "default-src 'none'");
    EXPECT_EQ(response->header("X-Frame-Options").value_or(""), "DENY");
}

TEST(SecurityHeaders, HstsWhenEnabledBehindAProxy) {
    auto options = test_options();
    options.hsts = true;
    TestServer server(options);
    auto response = server.fetch(get("/hello"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->header("Strict-Transport-Security").value_or(""), "max-age=31536000; includeSubDomains");
}

TEST(TrustedProxies, ForwardedHeadersAndRequestIdAreIgnoredFromAnUntrustedPeer) {
    TestServer server;  // no trusted proxy
    auto response = server.fetch(
        get("/whoami", "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Request-Id: chosen-by-client\r\n"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "127.0.0.1 plain");
    EXPECT_NE(response->header("X-Request-Id").value_or(""), "chosen-by-client");
}

TEST(TrustedProxies, ForwardedHeadersAndRequestIdAreHonouredFromATrustedProxy) {
    auto options = test_options();
    options.trusted_proxies = {"127.0.0.0/8"};
    TestServer server(options);
    auto response = server.fetch(
        get("/whoami", "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Request-Id: proxy-id-42\r\n"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "203.0.113.7 secure") << "the right-most untrusted hop is the client";
    EXPECT_EQ(response->header("X-Request-Id").value_or(""), "proxy-id-42");

    auto malformed = server.fetch(get("/hello", "X-Request-Id: bad id\"\r\n"));
    ASSERT_TRUE(malformed);
    EXPECT_NE(malformed->header("X-Request-Id").value_or(""), "bad id\"");
}

// What /whoami says of the client (address, plain or secure) for a request with these headers.
std::string whoami(TestServer& server, std::string_view headers) {
    auto response = server.fetch(get("/whoami", headers));
    return response ? response->body : "no response";
}

TEST(TrustedProxies, EveryForwardedForLineCountsAndTheRightMostUntrustedHopIsTheClient) {
    // A proxy that appends (HAProxy "option forwardfor", nginx $proxy_add_x_forwarded_for) may
    // leave the client's own line first: reading only that line would let it choose its address.
    auto options = test_options();
    options.trusted_proxies = {"127.0.0.0/8", "10.0.0.0/8"};
    TestServer server(options);
    EXPECT_EQ(whoami(server, "X-Forwarded-For: 198.51.100.99\r\nX-Forwarded-For: 203.0.113.7, 10.1.2.3\r\n"),
              "203.0.113.7 plain");
    EXPECT_EQ(whoami(server, "X-Forwarded-For: 198.51.100.99\r\nX-Forwarded-For: 203.0.113.8\r\n"),
              "203.0.113.8 plain");
}

TEST(TrustedProxies, TheProtocolIsTheOneTheNearestProxyWrote) {
    // A client's own "X-Forwarded-Proto: https" line, followed by the proxy's "http", is not a
    // TLS connection.
    auto options = test_options();
    options.trusted_proxies = {"127.0.0.0/8"};
    TestServer server(options);
    EXPECT_EQ(whoami(server, "X-Forwarded-Proto: https\r\nX-Forwarded-Proto: http\r\n"), "127.0.0.1 plain");
    EXPECT_EQ(whoami(server, "X-Forwarded-Proto: https, http\r\n"), "127.0.0.1 plain");
    EXPECT_EQ(whoami(server, "X-Forwarded-Proto: http\r\nX-Forwarded-Proto: https\r\n"), "127.0.0.1 secure");
}

TEST(TrustedProxies, BlocksMatchIpv4AndIpv6AndBadEntriesAreStartupErrors) {
    server::TrustedProxies proxies({"10.0.0.0/8", "192.168.1.7", "fd00::/8"});
    EXPECT_TRUE(proxies.is_trusted("10.20.30.40"));
    EXPECT_TRUE(proxies.is_trusted("::ffff:10.1.2.3"));
    EXPECT_TRUE(proxies.is_trusted("192.168.1.7"));
    EXPECT_FALSE(proxies.is_trusted("192.168.1.8"));
    EXPECT_TRUE(proxies.is_trusted("fd12::1"));
    EXPECT_FALSE(proxies.is_trusted("fe80::1"));
    EXPECT_FALSE(proxies.is_trusted("11.0.0.1"));
    EXPECT_THROW(server::TrustedProxies({"10.0.0.0/33"}), std::invalid_argument);
    EXPECT_THROW(server::TrustedProxies({"proxy.example"}), std::invalid_argument);
}

}  // namespace
}  // namespace caf::testing
