// A real SQLite queue in a temp file, the real templates, and a scriptable fake transport.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unistd.h>
#include <vector>

#include "notify/notification_dispatcher.hpp"
#include "notify/notifier.hpp"
#include "storage/audit_log.hpp"
#include "storage/migrations.hpp"
#include "storage/notifications.hpp"

namespace caf::notify::test {

// Records what it was asked to send; fails the first `failures` sends.
class FakeTransport final : public Transport {
public:
    SendResult send(const OutgoingMessage& message) override {
        std::lock_guard lock(mutex_);
        if (failures > 0) {
            --failures;
            return unexpected(TransportError{"fake: unavailable", permanent});
        }
        sent.push_back(message);
        return Delivered{"fake-" + std::to_string(message.id)};
    }
    std::vector<OutgoingMessage> sent;
    int failures = 0;
    bool permanent = false;
    std::mutex mutex_;
};

class NotificationTest : public ::testing::Test {
protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("caf-notify-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db");
        remove_db();
        db_ = storage::open_database("sqlite:" + path_.string(), 4);
        storage::migrate(*db_);
        queue_ = std::make_unique<storage::Notifications>(*db_);
        audit_ = std::make_unique<storage::AuditLog>(*db_);
        notifier_ = std::make_unique<Notifier>(*queue_, protector_);
    }
    void TearDown() override {
        notifier_.reset();
        audit_.reset();
        queue_.reset();
        db_.reset();
        remove_db();
    }
    void remove_db() {
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
    }

    std::int64_t enqueue(const Notification& n) {
        return db_->transaction([&](storage::Connection& c) { return notifier_->enqueue(c, n, clock_.now()); });
    }
    std::unique_ptr<NotificationDispatcher> dispatcher(ChannelTransports transports, DispatcherSettings settings = {}) {
        return std::make_unique<NotificationDispatcher>(*db_, *queue_, *audit_, protector_, templates(), transports,
                                                        settings);
    }
    storage::Notification row(std::int64_t id) {
        return *db_->read([&](storage::Connection& c) { return queue_->find(c, id); });
    }
    static const NotificationTemplates& templates() {
        static const NotificationTemplates loaded(std::filesystem::path(CAF_SOURCE_DIR) / "web/templates");
        return loaded;
    }

    std::filesystem::path path_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<storage::Notifications> queue_;
    std::unique_ptr<storage::AuditLog> audit_;
    PersonalDataProtector protector_{std::string(32, 'd'), std::string(32, 'l')};
    std::unique_ptr<Notifier> notifier_;
    ManualClock clock_;
};

}  // namespace caf::notify::test
