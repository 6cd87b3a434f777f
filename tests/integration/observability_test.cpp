// /healthz, /readyz, /metrics and the JSON access log.
#include <gtest/gtest.h>

#include "test_server.hpp"

namespace caf::testing {
namespace {

std::string metrics_text(TestServer& server) {
    auto response = server.fetch(get("/metrics"));
    return response && response->status == 200 ? response->body : "";
}

TEST(Health, HealthzAnswersOk) {
    TestServer server;
    auto response = server.fetch(get("/healthz"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "ok\n");
}

TEST(Health, ReadyzFollowsTheReadinessProbe) {
    TestServer server;
    auto ready = server.fetch(get("/readyz"));
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 200);
    server.ready = false;
    auto not_ready = server.fetch(get("/readyz"));
    ASSERT_TRUE(not_ready);
    EXPECT_EQ(not_ready->status, 503);
}

TEST(Metrics, CountsRequestsByRoutePatternMethodAndStatus) {
    TestServer server;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(server.fetch(get("/hello")));
    ASSERT_TRUE(server.fetch(get("/things/42")));
    ASSERT_TRUE(server.fetch(get("/nowhere")));
    ASSERT_TRUE(server.fetch("POST /items HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"));
    const std::string text = metrics_text(server);
    EXPECT_NE(text.find("caf_http_requests_total{route=\"/hello\",method=\"GET\",status=\"200\"} 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("caf_http_requests_total{route=\"/things/*\",method=\"GET\",status=\"200\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("caf_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("caf_http_requests_total{route=\"/items\",method=\"POST\",status=\"201\"} 1\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("/things/42"), std::string::npos) << "raw paths never become labels";
    EXPECT_NE(text.find("caf_http_request_duration_seconds_count{route=\"/hello\"} 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("caf_http_request_duration_seconds_bucket{route=\"/hello\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
}

TEST(Metrics, ShowsWorkerPoolAndConnectionGauges) {
    TestServer server;
    RawClient first(server.port()), second(server.port());
    for (RawClient* client : {&first, &second}) {
        client->send(get("/hello"));
        ASSERT_TRUE(client->read_response());
    }
    const std::string text = metrics_text(server);
    EXPECT_NE(text.find("caf_http_open_connections 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("caf_worker_pool_threads 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("caf_worker_pool_queue_depth 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("caf_worker_pool_busy_workers 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("caf_worker_pool_rejections_total 0\n"), std::string::npos) << text;
}

TEST(AccessLog, OneJsonLinePerRequestWithoutTheQueryString) {
    TestServer server;
    auto response = server.fetch(get("/things/7?code=SECRET-CODE&state=xyz"));
    ASSERT_TRUE(response);
    const std::string id = response->header("X-Request-Id").value_or("missing");
    const std::string log = server.access_log.wait_for(id);
    EXPECT_NE(log.find("\"request_id\":\"" + id + "\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"method\":\"GET\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"path\":\"/things/7\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"route\":\"/things/*\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"status\":200"), std::string::npos) << log;
    EXPECT_NE(log.find("\"bytes\":9"), std::string::npos) << log;
    EXPECT_NE(log.find("\"remote\":\"127.0.0.1\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"duration_ms\":"), std::string::npos) << log;
    EXPECT_NE(log.find("\"time\":\""), std::string::npos) << log;
    EXPECT_EQ(log.find("SECRET-CODE"), std::string::npos) << log;
    EXPECT_EQ(log.front(), '{');
    EXPECT_EQ(log.substr(log.size() - 2), "}\n");
}

// One request to `port` on a fresh connection.
std::optional<HttpResponse> fetch_at(std::uint16_t port, std::string_view request) {
    RawClient client(port);
    client.send(request);
    return client.read_response();
}

TEST(Management, AManagementListenerServesMetricsAndProbesAndTakesMetricsOffThePublicPort) {
    auto options = test_options();
    options.management = server::ManagementListener{"127.0.0.1", 0};
    TestServer server(options);
    const auto management = server.server().management_port();
    ASSERT_NE(management, 0);
    ASSERT_NE(management, server.port());
    ASSERT_TRUE(server.fetch(get("/hello")));

    auto metrics = fetch_at(management, get("/metrics"));
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    EXPECT_NE(metrics->body.find("caf_http_requests_total{route=\"/hello\",method=\"GET\",status=\"200\"} 1\n"),
              std::string::npos)
        << "the public port's requests are counted: " << metrics->body;
    EXPECT_EQ(fetch_at(management, get("/healthz"))->status, 200);
    EXPECT_EQ(fetch_at(management, get("/readyz"))->status, 200);
    server.ready = false;
    EXPECT_EQ(fetch_at(management, get("/readyz"))->status, 503);
    EXPECT_EQ(fetch_at(management, get("/hello"))->status, 404) << "no application route there";

    EXPECT_EQ(server.fetch(get("/metrics"))->status, 404) << "metrics left the public port";
    EXPECT_EQ(server.fetch(get("/healthz"))->status, 200) << "the load balancer's probe stays";
}

TEST(Management, WithoutOneMetricsStayOnThePublicPort) {
    TestServer server;
    EXPECT_EQ(server.server().management_port(), 0);
    EXPECT_EQ(server.fetch(get("/metrics"))->status, 200);
}

}  // namespace
}  // namespace caf::testing
