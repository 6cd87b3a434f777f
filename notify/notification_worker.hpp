// Runs a NotificationDispatcher (or any other queue's batch, such as the back-channel logouts')
// on a background thread of its own, never on the network threads: a batch, then another at once
// while batches come back full, else a pause of `poll_interval`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "notify/notification_dispatcher.hpp"
#include "core/clock.hpp"

namespace caf::notify {

class NotificationWorker {
public:
    // `on_error` hears what run_once threw (a store outage): the worker carries on at the next poll.
    NotificationWorker(NotificationDispatcher& dispatcher, const Clock& clock,
                       std::chrono::milliseconds poll_interval = std::chrono::milliseconds{1000},
                       std::function<void(std::string_view what)> on_error = {});
    // `run_batch(now)` sends one batch and says whether it was full (more may be due at once).
    NotificationWorker(std::function<bool(TimePoint)> run_batch, const Clock& clock,
                       std::chrono::milliseconds poll_interval, std::function<void(std::string_view what)> on_error = {});
    ~NotificationWorker();  // stop()
    NotificationWorker(const NotificationWorker&) = delete;
    NotificationWorker& operator=(const NotificationWorker&) = delete;

    void start();  // idempotent
    // Finishes the batch in progress (bounded by the transports' timeouts), then joins.
    void stop();
    // Polls now instead of at the end of the pause (after an enqueue, for instance).
    void wake();

private:
    void loop();

    std::function<bool(TimePoint)> run_batch_;
    const Clock& clock_;
    std::chrono::milliseconds poll_interval_;
    std::function<void(std::string_view)> on_error_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace caf::notify
