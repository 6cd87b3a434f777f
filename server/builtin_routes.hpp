// The routes every node serves whatever the application: /healthz (the process answers),
// /readyz (the application's readiness state, answered inline: it must answer while the pool is
// full or the store hangs),
// /metrics and /static/*.
#pragma once

#include <functional>
#include <memory>

#include "core/router.hpp"
#include "server/metrics.hpp"
#include "server/static_files.hpp"
#include "server/worker_pool.hpp"

namespace caf::server {

using ReadinessProbe = std::function<bool()>;  // see server.hpp

// `static_files` may be null (no static root configured); `with_metrics` false leaves /metrics
// out (it is on the management listener). The references must outlive the router.
http::Router make_builtin_routes(const Metrics& metrics, const WorkerPool& pool, ReadinessProbe ready,
                                 std::shared_ptr<const StaticFiles> static_files, bool with_metrics = true);

}  // namespace caf::server
