// Weak pointers: a connection's lifetime belongs to its coroutine, the registry only observes.
#include "server/connections.hpp"

#include <vector>

namespace caf::server {

ConnectionRegistry::Id ConnectionRegistry::add(std::weak_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    const Id id = ++next_id_;
    connections_.emplace(id, std::move(connection));
    return id;
}

void ConnectionRegistry::remove(Id id) {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
    if (connections_.empty()) emptied_.notify_all();
}

std::size_t ConnectionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
}

void ConnectionRegistry::close_idle() {
    std::vector<std::shared_ptr<Connection>> alive;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, weak] : connections_) {
            if (auto connection = weak.lock()) alive.push_back(std::move(connection));
        }
    }
    // Called without the lock: a connection may finish (and remove itself) meanwhile.
    for (auto& connection : alive) connection->close_if_idle();
}

void ConnectionRegistry::close_all() {
    std::vector<std::shared_ptr<Connection>> alive;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, weak] : connections_) {
            if (auto connection = weak.lock()) alive.push_back(std::move(connection));
        }
    }
    for (auto& connection : alive) connection->close_now();
}

bool ConnectionRegistry::wait_until_empty(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return emptied_.wait_for(lock, timeout, [this] { return connections_.empty(); });
}

}  // namespace caf::server
