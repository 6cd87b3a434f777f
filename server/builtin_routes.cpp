// Health, readiness and metrics are inline: cheap, and they must answer even when the pool is
// saturated or the store hangs (readiness reads a state a background probe keeps).
#include "server/builtin_routes.hpp"

#include <string_view>

namespace caf::server {

http::Router make_builtin_routes(const Metrics& metrics, const WorkerPool& pool, ReadinessProbe ready,
                                 std::shared_ptr<const StaticFiles> static_files, bool with_metrics) {
    http::Router router;
    router.add("GET", "/healthz", http::Execution::inline_cpu,
               [](const http::Request&) { return http::Response::text(200, "ok\n"); });
    router.add("GET", "/readyz", http::Execution::inline_cpu, [ready = std::move(ready)](const http::Request&) {
        bool is_ready = false;
        try {
            is_ready = !ready || ready();
        } catch (...) {
            is_ready = false;  // a probe that throws means "not ready", not a 500
        }
        if (is_ready) return http::Response::text(200, "ready\n");
        auto response = http::Response::text(503, "not ready\n");
        response.headers.set("Retry-After", "1");
        return response;
    });
    if (with_metrics) {
        router.add("GET", "/metrics", http::Execution::inline_cpu, [&metrics, &pool](const http::Request&) {
            http::Response response;
            response.body = metrics.render(pool.stats());
            response.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            return response;
        });
    }
    if (static_files) {
        router.add("GET", "/static/*", http::Execution::inline_cpu,
                   [files = std::move(static_files)](const http::Request& request) {
                       constexpr std::string_view prefix = "/static/";
                       std::string_view path = request.path;
                       if (path.substr(0, prefix.size()) != prefix) return http::Response::text(404, "Not Found\n");
                       return files->serve(path.substr(prefix.size()));
                   });
    }
    return router;
}

}  // namespace caf::server
