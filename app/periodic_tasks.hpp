// Background housekeeping off the network threads: reloading signing keys rotated by another
// process, purging expired rows, draining the notification queue. Each task runs on its own
// interval; an exception is logged and the task runs again next time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace spdlog {
class logger;
}

namespace caf::app {

class PeriodicTasks {
public:
    explicit PeriodicTasks(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}
    ~PeriodicTasks() { stop(); }
    PeriodicTasks(const PeriodicTasks&) = delete;
    PeriodicTasks& operator=(const PeriodicTasks&) = delete;

    // Before start(): `task` runs every `interval` (the first time after one interval).
    void add(std::string name, std::chrono::milliseconds interval, std::function<void()> task);
    void start();
    // Wakes the thread and joins it; a task in progress finishes first.
    void stop();

private:
    struct Task {
        std::string name;
        std::chrono::milliseconds interval;
        std::function<void()> run;
        std::chrono::steady_clock::time_point next;
    };
    void loop();

    std::shared_ptr<spdlog::logger> log_;
    std::vector<Task> tasks_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace caf::app
