// The polling loop; all the rules are in the batch it runs (NotificationDispatcher).
#include "notify/notification_worker.hpp"

#include <exception>

namespace caf::notify {

NotificationWorker::NotificationWorker(NotificationDispatcher& dispatcher, const Clock& clock,
                                       std::chrono::milliseconds poll_interval,
                                       std::function<void(std::string_view)> on_error)
    : NotificationWorker([&dispatcher](TimePoint now) { return dispatcher.run_once(now).batch_full; }, clock,
                         poll_interval, std::move(on_error)) {}

NotificationWorker::NotificationWorker(std::function<bool(TimePoint)> run_batch, const Clock& clock,
                                       std::chrono::milliseconds poll_interval,
                                       std::function<void(std::string_view)> on_error)
    : run_batch_(std::move(run_batch)), clock_(clock), poll_interval_(poll_interval), on_error_(std::move(on_error)) {}

NotificationWorker::~NotificationWorker() { stop(); }

void NotificationWorker::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void NotificationWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void NotificationWorker::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void NotificationWorker::loop() {
    for (;;) {
        bool more = false;
        try {
            // A full batch means more may be due: go on without waiting.
            more = run_batch_(clock_.now());
        } catch (const std::exception& e) {
            if (on_error_) on_error_(e.what());
        } catch (...) {
            if (on_error_) on_error_("unknown error");
        }
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        if (more) continue;
        wake_.wait_for(lock, poll_interval_, [this] { return stopping_ || woken_; });
        woken_ = false;
        if (stopping_) return;
    }
}

}  // namespace caf::notify
