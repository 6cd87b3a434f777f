// The outbox file is opened per message, so a test may truncate or remove it between runs.
#include "account/notifications/outbox_transport.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace caf::account {

namespace {

std::string iso8601(TimePoint t) {
    const std::time_t seconds = std::time_t(to_unix_seconds(t));
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

}  // namespace

std::string outbox_line(const OutgoingMessage& message) {
    nlohmann::json line{{"time", iso8601(message.date)},
                        {"channel", std::string(to_string(message.channel))},
                        {"recipient", message.recipient},
                        {"template", std::string(to_string(message.template_name))}};
    if (message.code) line["code"] = *message.code;
    line["subject"] = message.subject;
    line["text"] = message.text;
    // Invalid UTF-8 would throw in dump(): replaced, never a lost message.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SendResult OutboxTransport::send(const OutgoingMessage& message) {
    const std::string line = outbox_line(message) + "\n";
    const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected(TransportError{std::string("outbox: cannot open the file: ") + std::strerror(errno)});
    const ssize_t written = ::write(fd, line.data(), line.size());
    const int write_errno = errno;
    const bool synced = written == ssize_t(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (written != ssize_t(line.size()))
        return unexpected(TransportError{std::string("outbox: short write: ") +
                                         (written < 0 ? std::strerror(write_errno) : "partial line")});
    if (!synced) return unexpected(TransportError{"outbox: fsync failed"});
    return Delivered{"outbox"};
}

}  // namespace caf::account
