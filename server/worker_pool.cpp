// A mutex and a deque are enough here: tasks are coarse (a database call, a hash), so the lock is
// never the bottleneck, and a hard bound is what keeps a slow store from eating the memory.
#include "server/worker_pool.hpp"

#include <utility>

namespace caf::server {

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue_capacity) : capacity_(queue_capacity) {
    if (threads == 0) threads = 1;
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_submit(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        const std::size_t idle = threads_.size() - busy_;
        if (stopping_ || queue_.size() >= idle + capacity_) {
            ++rejections_;
            return false;
        }
        queue_.push_back(std::move(task));
    }
    wake_.notify_one();
    return true;
}

void WorkerPool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) {
        if (thread.joinable()) thread.join();
    }
}

bool WorkerPool::stop_until(std::chrono::steady_clock::time_point deadline) {
    {
        std::unique_lock lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
        if (!worker_exited_.wait_until(lock, deadline, [this] { return exited_ == threads_.size(); })) return false;
    }
    stop();
    return true;
}

WorkerPool::Stats WorkerPool::stats() const {
    std::lock_guard lock(mutex_);
    return Stats{threads_.size(), queue_.size(), busy_, rejections_};
}

void WorkerPool::work() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            // Queued tasks still run after stop(): each one has a connection awaiting it.
            if (queue_.empty()) {
                ++exited_;
                worker_exited_.notify_all();
                return;
            }
            task = std::move(queue_.front());
            queue_.pop_front();
            ++busy_;
        }
        task();
        std::lock_guard lock(mutex_);
        --busy_;
    }
}

}  // namespace caf::server
