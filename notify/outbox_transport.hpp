// Development and tests (`[notifications] outbox`): every message of every channel becomes one
// JSON line {"time","channel","recipient","template","code"?,"subject","text","delivery_key"} in a
// file instead of leaving the machine. The end-to-end tests read verification codes from it.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <unordered_set>

#include "notify/transport.hpp"

namespace caf::notify {

// The line for one message (no trailing newline).
std::string outbox_line(const OutgoingMessage& message);

class OutboxTransport final : public Transport {
public:
    explicit OutboxTransport(std::filesystem::path file) : file_(std::move(file)) {}
    // One write(2) of the whole line on an O_APPEND descriptor, then fsync: writers in other
    // threads or processes never interleave, and a line that was acknowledged survives a crash.
    // A message whose delivery key is already in the file is not written again: a crash between
    // the write and the queue's "sent" must not deliver it twice when its claim is retried.
    SendResult send(const OutgoingMessage& message) override;

private:
    // Reads the keys of the lines appended since the last call (all of them when the file was
    // replaced or truncated). The caller holds the file's lock.
    void catch_up(int fd);

    std::filesystem::path file_;
    std::mutex mutex_;
    std::unordered_set<std::string> keys_;
    dev_t device_ = 0;
    ino_t inode_ = 0;
    off_t read_up_to_ = 0;
};

}  // namespace caf::notify
