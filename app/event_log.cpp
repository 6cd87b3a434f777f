// spdlog with a custom flag that turns the message into JSON fields, so any text makes a valid
// JSON line and the workers' events are fields a log collector can query.
#include "app/event_log.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace caf::app {
namespace {

// dump() with invalid UTF-8 replaced, not thrown.
std::string dumped(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "<event> {…}" — how the queue workers report (notification.sent, backchannel_logout.retry, …) —
// becomes "event" and "details" fields; any other message is a "message" string.
std::string message_fields(std::string_view text) {
    const auto space = text.find(' ');
    if (space != std::string_view::npos && space > 0 && space + 1 < text.size() && text[space + 1] == '{') {
        const auto name = text.substr(0, space);
        const bool plain = name.find_first_of("\"{}:,") == std::string_view::npos;
        auto details = nlohmann::json::parse(text.substr(space + 1), nullptr, false);
        if (plain && details.is_object())
            return "\"event\":" + dumped(std::string(name)) + ",\"details\":" + dumped(details);
    }
    return "\"message\":" + dumped(std::string(text));
}

class json_message_fields final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        const auto fields = message_fields(std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(fields.data(), fields.data() + fields.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<json_message_fields>();
    }
};

}  // namespace

std::shared_ptr<spdlog::logger> make_event_logger(const std::string& level) {
    auto logger = std::make_shared<spdlog::logger>("events", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<json_message_fields>('*').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%*})");
    logger->set_formatter(std::move(formatter));
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    return logger;
}

}  // namespace caf::app
