// Request counters, latency histograms and connection gauges, rendered in the Prometheus text
// format for /metrics. Labels are bounded: the route's pattern (never the raw path), a known
// method, the status.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "server/worker_pool.hpp"

namespace caf::server {

// The label of requests that matched no route (404, 405, malformed requests).
inline constexpr std::string_view unmatched_route = "unmatched";

class Metrics {
public:
    void record_request(std::string_view route, std::string_view method, int status,
                        std::chrono::duration<double> duration);
    void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
    void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
    void connection_rejected() { rejected_connections_.fetch_add(1, std::memory_order_relaxed); }
    std::int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }

    std::string render(const WorkerPool::Stats& pool) const;

    static constexpr std::array<double, 12> bucket_bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

private:
    struct Histogram {
        std::array<std::uint64_t, bucket_bounds.size()> buckets{};  // not cumulative
        std::uint64_t count = 0;
        double sum = 0;
    };

    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> durations_;  // by route
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> rejected_connections_{0};
};

// Unknown methods would let a client create label values at will: they all become OTHER.
std::string_view method_label(std::string_view method);

}  // namespace caf::server
