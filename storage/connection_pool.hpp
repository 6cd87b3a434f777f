// A bounded pool of connections shared by the worker threads: at most `capacity` open, opened
// lazily, a broken one is dropped (and replaced on the next acquire) instead of being reused.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "storage/error.hpp"

namespace caf::storage {

template <class C>
class ConnectionPool {
public:
    using Factory = std::function<std::unique_ptr<C>()>;

    ConnectionPool(std::size_t capacity, Factory factory)
        : capacity_(capacity == 0 ? 1 : capacity), factory_(std::move(factory)) {}

    // A borrowed connection, returned to the pool when the lease ends unless discard()ed.
    class Lease {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<C> conn) : pool_(&pool), conn_(std::move(conn)) {}
        Lease(Lease&& other) noexcept
            : pool_(other.pool_), conn_(std::move(other.conn_)), discarded_(std::exchange(other.discarded_, false)) {}
        Lease& operator=(Lease&&) = delete;
        ~Lease() {
            if (conn_ || discarded_) pool_->give_back(std::move(conn_));
        }
        C& operator*() const { return *conn_; }
        C* operator->() const { return conn_.get(); }
        // The connection is broken: close it rather than lend it again.
        void discard() {
            conn_.reset();
            discarded_ = true;
        }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<C> conn_;
        bool discarded_ = false;
    };

    // Waits up to `timeout` for a free connection; StoreError(unavailable) after that.
    Lease acquire(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        if (!available_.wait_for(lock, timeout, [&] { return !idle_.empty() || open_ < capacity_; })) {
            throw StoreError(ErrorKind::unavailable, "no database connection free before the timeout",
                             false);
        }
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(conn));
        }
        ++open_;  // reserve the slot, then connect without holding the lock
        lock.unlock();
        try {
            return Lease(*this, factory_());
        } catch (...) {
            std::lock_guard relock(mutex_);
            --open_;
            available_.notify_one();
            throw;
        }
    }

    // Closes the idle connections (shutdown, or after the server went away).
    void clear_idle() {
        std::vector<std::unique_ptr<C>> closing;
        {
            std::lock_guard lock(mutex_);
            closing.swap(idle_);
            open_ -= closing.size();
        }
        available_.notify_all();
    }

private:
    void give_back(std::unique_ptr<C> conn) {
        {
            std::lock_guard lock(mutex_);
            if (conn) idle_.push_back(std::move(conn));
            else --open_;
        }
        available_.notify_one();
    }

    const std::size_t capacity_;
    Factory factory_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<C>> idle_;
    std::size_t open_ = 0;
};

}  // namespace caf::storage
