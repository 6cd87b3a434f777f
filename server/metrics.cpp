// Prometheus text exposition format 0.0.4, written by hand: a few families do not need a client
// library.
#include "server/metrics.hpp"

#include <cstdio>

namespace caf::server {

namespace {

std::string escape_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string number(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

}  // namespace

std::string_view method_label(std::string_view method) {
    for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
        if (method == known) return known;
    }
    return "OTHER";
}

void Metrics::record_request(std::string_view route, std::string_view method, int status,
                             std::chrono::duration<double> duration) {
    const double seconds = duration.count();
    std::lock_guard lock(mutex_);
    ++requests_[{std::string(route), std::string(method_label(method)), status}];
    auto& histogram = durations_[std::string(route)];
    std::size_t bucket = 0;
    while (bucket < bucket_bounds.size() && seconds > bucket_bounds[bucket]) ++bucket;
    if (bucket < bucket_bounds.size()) ++histogram.buckets[bucket];
    ++histogram.count;
    histogram.sum += seconds;
}

std::string Metrics::render(const WorkerPool::Stats& pool) const {
    std::string out;
    out.reserve(4096);
    {
        std::lock_guard lock(mutex_);
        out += "# HELP caf_http_requests_total HTTP requests answered, by route pattern, method and status.\n";
        out += "# TYPE caf_http_requests_total counter\n";
        for (const auto& [key, count] : requests_) {
            const auto& [route, method, status] = key;
            out += "caf_http_requests_total{route=\"" + escape_label(route) + "\",method=\"" + method +
                   "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
        }
        out += "# HELP caf_http_request_duration_seconds Time from the start of a request to its response being ready to send.\n";
        out += "# TYPE caf_http_request_duration_seconds histogram\n";
        for (const auto& [route, histogram] : durations_) {
            const std::string label = "route=\"" + escape_label(route) + "\"";
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < bucket_bounds.size(); ++i) {
                cumulative += histogram.buckets[i];
                out += "caf_http_request_duration_seconds_bucket{" + label + ",le=\"" +
                       number(bucket_bounds[i]) + "\"} " + std::to_string(cumulative) + "\n";
            }
            out += "caf_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
                   std::to_string(histogram.count) + "\n";
            out += "caf_http_request_duration_seconds_sum{" + label + "} " + number(histogram.sum) + "\n";
            out += "caf_http_request_duration_seconds_count{" + label + "} " +
                   std::to_string(histogram.count) + "\n";
        }
    }
    auto gauge = [&out](std::string_view name, std::string_view type, std::string_view help,
                        std::string value) {
        out += "# HELP ";
        out += name;
        out += ' ';
        out += help;
        out += "\n# TYPE ";
        out += name;
        out += ' ';
        out += type;
        out += '\n';
        out += name;
        out += ' ';
        out += value;
        out += '\n';
    };
    gauge("caf_http_open_connections", "gauge", "Client connections currently open.",
          std::to_string(open_connections()));
    gauge("caf_http_rejected_connections_total", "counter",
          "Connections closed at once because max_connections was reached.",
          std::to_string(rejected_connections_.load(std::memory_order_relaxed)));
    gauge("caf_worker_pool_threads", "gauge", "Threads of the blocking-handler pool.",
          std::to_string(pool.threads));
    gauge("caf_worker_pool_queue_depth", "gauge", "Blocking tasks waiting for a worker.",
          std::to_string(pool.queue_depth));
    gauge("caf_worker_pool_busy_workers", "gauge", "Workers running a blocking task.",
          std::to_string(pool.busy));
    gauge("caf_worker_pool_rejections_total", "counter",
          "Blocking tasks refused because the pool was full (answered 503).",
          std::to_string(pool.rejections));
    return out;
}

}  // namespace caf::server
