// The JSON access log: one object per line through an spdlog logger the caller points at stdout
// or a file. The path is logged without its query string, which can carry codes and tokens.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace caf::server {

struct AccessRecord {
    std::string_view request_id;
    std::string_view method;
    std::string_view path;  // without the query
    std::string_view route; // the matched pattern, or "unmatched"
    int status = 0;
    double duration_ms = 0;
    std::size_t bytes = 0;  // response body bytes sent
    std::string_view remote_address;
};

// One JSON line, without the trailing newline. Pure, so tests check it without a server.
std::string format_access_record(const AccessRecord& record, std::chrono::system_clock::time_point now);

// "stdout", "stderr" or a file path (appended). The logger writes the message only ("%v"), flushed
// on every line so a crash loses nothing. Throws spdlog::spdlog_ex when the file cannot be opened
// (a startup error).
std::shared_ptr<spdlog::logger> make_access_logger(const std::string& destination);

class AccessLog {
public:
    explicit AccessLog(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}
    void write(const AccessRecord& record) const;  // no-op without a logger

private:
    std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace caf::server
