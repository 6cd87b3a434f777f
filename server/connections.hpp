// The set of open client connections, so that a graceful stop can close the idle ones at once,
// wait for the busy ones, and close whatever is left when the drain deadline passes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace caf::server {

// What the registry may ask of a connection; both calls are thread-safe and return at once (the
// work happens on the connection's own strand).
class Connection {
public:
    virtual ~Connection() = default;
    // Closes the connection if it is waiting for a request (keep-alive idle, or TLS handshake);
    // a connection with a request in progress finishes it and then closes by itself.
    virtual void close_if_idle() = 0;
    virtual void close_now() = 0;
};

class ConnectionRegistry {
public:
    using Id = std::uint64_t;
    Id add(std::weak_ptr<Connection> connection);
    void remove(Id id);
    std::size_t size() const;
    void close_idle();
    void close_all();
    // True when the registry became empty within `timeout`.
    bool wait_until_empty(std::chrono::milliseconds timeout);

private:
    mutable std::mutex mutex_;
    std::condition_variable emptied_;
    Id next_id_ = 0;
    std::unordered_map<Id, std::weak_ptr<Connection>> connections_;
};

}  // namespace caf::server
