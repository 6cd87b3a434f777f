// The bounded pool that runs blocking handlers off the network threads; when it is full the
// caller is told at once (and answers 503) instead of queueing without bound.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace caf::server {

class WorkerPool {
public:
    struct Stats {
        std::size_t threads = 0;
        std::size_t queue_depth = 0;  // tasks waiting for a worker
        std::size_t busy = 0;         // workers running a task
        std::uint64_t rejections = 0;
    };

    // `queue_capacity` counts tasks waiting beyond the idle workers, so capacity 0 still accepts
    // a task whenever a worker is free.
    WorkerPool(std::size_t threads, std::size_t queue_capacity);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // False when the pool is full or stopped: the task is not run. A task must not throw.
    bool try_submit(std::function<void()> task);
    // Refuses new tasks, runs those already queued, joins the workers. Idempotent.
    void stop();
    // The same, waiting no later than `deadline`: false when a task is still running then (the
    // workers are left running, and the pool must not be destroyed before they end).
    bool stop_until(std::chrono::steady_clock::time_point deadline);
    Stats stats() const;

private:
    void work();

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable worker_exited_;
    std::size_t exited_ = 0;
    std::deque<std::function<void()>> queue_;
    std::size_t busy_ = 0;
    std::uint64_t rejections_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace caf::server
