// One thread, a sorted wait on the next due task.
#include "app/periodic_tasks.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace caf::app {

void PeriodicTasks::add(std::string name, std::chrono::milliseconds interval, std::function<void()> task) {
    tasks_.push_back({std::move(name), interval, std::move(task), std::chrono::steady_clock::now() + interval});
}

void PeriodicTasks::start() {
    if (tasks_.empty() || thread_.joinable()) return;
    thread_ = std::thread([this] { loop(); });
}

void PeriodicTasks::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PeriodicTasks::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto next = std::min_element(tasks_.begin(), tasks_.end(),
                                     [](const Task& a, const Task& b) { return a.next < b.next; });
        if (wake_.wait_until(lock, next->next, [this] { return stopping_; })) break;
        lock.unlock();
        try {
            next->run();
        } catch (const std::exception& e) {
            if (log_) log_->error("periodic task " + next->name + " failed: " + e.what());
        }
        lock.lock();
        next->next = std::chrono::steady_clock::now() + next->interval;
    }
}

}  // namespace caf::app
