// JSON is written by hand: the fields are few and known, and escaping is the only subtle part
// (paths and methods come from the network and may hold quotes or control bytes).
#include "server/access_log.hpp"

#include <cstdio>
#include <ctime>

#include <spdlog/logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace caf::server {

namespace {

void append_json_string(std::string& out, std::string_view value) {
    out += '"';
    for (unsigned char c : value) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c >= 0x7f) {
                    // Bytes outside printable ASCII are escaped one by one: the log stays valid
                    // JSON even when a client sends invalid UTF-8.
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                    out += escaped;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

std::string iso8601_utc(std::chrono::system_clock::time_point now) {
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis % 1000));
    return text;
}

}  // namespace

std::string format_access_record(const AccessRecord& record, std::chrono::system_clock::time_point now) {
    std::string out;
    out.reserve(256);
    out += "{\"time\":\"" + iso8601_utc(now) + "\",\"request_id\":";
    append_json_string(out, record.request_id);
    out += ",\"method\":";
    append_json_string(out, record.method);
    out += ",\"path\":";
    append_json_string(out, record.path);
    out += ",\"route\":";
    append_json_string(out, record.route);
    char numbers[96];
    std::snprintf(numbers, sizeof numbers, ",\"status\":%d,\"duration_ms\":%.3f,\"bytes\":%zu",
                  record.status, record.duration_ms, record.bytes);
    out += numbers;
    out += ",\"remote\":";
    append_json_string(out, record.remote_address);
    out += '}';
    return out;
}

std::shared_ptr<spdlog::logger> make_access_logger(const std::string& destination) {
    spdlog::sink_ptr sink;
    if (destination == "stdout") {
        sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    } else if (destination == "stderr") {
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
        sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(destination);
    }
    auto logger = std::make_shared<spdlog::logger>("access", std::move(sink));
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::info);
    return logger;
}

void AccessLog::write(const AccessRecord& record) const {
    if (!logger_) return;
    logger_->info(format_access_record(record, std::chrono::system_clock::now()));
}

}  // namespace caf::server
