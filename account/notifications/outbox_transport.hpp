// Development and tests (`[notifications] outbox`): every message of every channel becomes one
// JSON line {"time","channel","recipient","template","code"?,"subject","text"} in a file instead
// of leaving the machine. The end-to-end tests read verification codes from it.
#pragma once

#include <filesystem>

#include "account/notifications/transport.hpp"

namespace caf::account {

// The line for one message (no trailing newline).
std::string outbox_line(const OutgoingMessage& message);

class OutboxTransport final : public Transport {
public:
    explicit OutboxTransport(std::filesystem::path file) : file_(std::move(file)) {}
    // One write(2) of the whole line on an O_APPEND descriptor, then fsync: writers in other
    // threads or processes never interleave, and a line that was acknowledged survives a crash.
    SendResult send(const OutgoingMessage& message) override;

private:
    std::filesystem::path file_;
};

}  // namespace caf::account
