// The event log (startup, shutdown, errors): JSON lines on stderr so stdout stays for the access
// log and the "listening" line tools wait for.
#pragma once

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace caf::app {

// A logger whose every line is {"time":…,"level":…,"message":…} with the message JSON-escaped,
// or {"time":…,"level":…,"event":…,"details":{…}} for a message "<event> <JSON object>".
std::shared_ptr<spdlog::logger> make_event_logger(const std::string& level);

}  // namespace caf::app
