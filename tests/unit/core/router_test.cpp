// Route lookup: exact before prefix, HEAD through GET, Allow for the other methods.
#include "core/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace caf::http;

namespace {
Handler answering(int status) {
    return [status](const Request&) { return Response::empty(status); };
}
}  // namespace

TEST(Router, ExactRouteWinsOverPrefix) {
    Router router;
    router.add("GET", "/static/*", Execution::inline_cpu, answering(1));
    router.add("GET", "/static/special", Execution::inline_cpu, answering(2));
    EXPECT_EQ(router.find("GET", "/static/special").route->handler({}).status, 2);
    EXPECT_EQ(router.find("GET", "/static/app.css").route->handler({}).status, 1);
}

TEST(Router, HeadIsServedByGet) {
    Router router;
    router.add("GET", "/healthz", Execution::inline_cpu, answering(200));
    EXPECT_NE(router.find("HEAD", "/healthz").route, nullptr);
}

TEST(Router, WrongMethodListsAllowedOnes) {
    Router router;
    router.add("GET", "/authorize", Execution::blocking, answering(200));
    router.add("POST", "/authorize", Execution::blocking, answering(200));
    auto match = router.find("DELETE", "/authorize");
    EXPECT_EQ(match.route, nullptr);
    EXPECT_EQ(match.allow, "GET, HEAD, POST");
}

TEST(Router, UnknownPathHasNoAllow) {
    Router router;
    router.add("GET", "/a", Execution::inline_cpu, answering(200));
    auto match = router.find("GET", "/b");
    EXPECT_EQ(match.route, nullptr);
    EXPECT_TRUE(match.allow.empty());
}

TEST(Router, ALargeBodyRouteWithoutAnAdmissionIsAStartupError) {
    // A route that accepts more than the server's limit must say who may send that much.
    Router router;
    EXPECT_THROW(router.add("POST", "/import", Execution::blocking, answering(200), LargeBody{1 << 20, {}}),
                 std::invalid_argument);
    router.add("POST", "/import", Execution::blocking, answering(200),
               LargeBody{1 << 20, [](const Request&) -> std::optional<Response> { return std::nullopt; }});
    EXPECT_EQ(router.find("POST", "/import").route->large_body.max_bytes, 1u << 20);
}
