// The delivery side of the notification queue (SPEC.md §10): claims due messages, opens them,
// sends each through its channel's transport, and records sent / retry with backoff / given up.
// Any number of dispatchers, on any node, may run at once: a claim is exclusive.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "notify/notification_templates.hpp"
#include "notify/transport.hpp"
#include "core/personal_data_protector.hpp"
#include "config/config.hpp"
#include "core/http_fetcher.hpp"
#include "core/random.hpp"
#include "storage/audit_log.hpp"
#include "storage/database.hpp"
#include "storage/notifications.hpp"

namespace caf::notify {

// The transport of each channel; a channel without one is not claimed and its messages wait in
// the queue (letters: for the print service, see LetterPrintQueue).
struct ChannelTransports {
    Transport* email = nullptr;
    Transport* sms = nullptr;
    Transport* letter = nullptr;
};

struct DispatcherSettings {
    int batch_size = 10;
    // A claim lasts this long; it must exceed batch_size × the slowest send (SMTP: 30 s at most),
    // or another dispatcher may take a row over while it is being sent and send it again.
    std::chrono::seconds lease{600};
    storage::RetryPolicy retry;  // max_attempts, base_delay (doubled), max_delay
};

struct DispatchReport {
    int claimed = 0;
    int sent = 0;
    int retried = 0;
    int given_up = 0;
    int fenced = 0;  // our lease had been taken over: the outcome belongs to the new claim
    bool batch_full = false;  // as many claimed as asked: more may be due at once
};

// Events for the operator's log: "notification.sent", "notification.retry", "notification.failed",
// "notification.fenced"; details carry id, channel, template, attempt, error — never personal data.
using NotificationEventSink = std::function<void(std::string_view event, const nlohmann::json& details)>;

class NotificationDispatcher {
public:
    NotificationDispatcher(storage::Database& db, storage::Notifications& queue, storage::AuditLog& audit,
                           const PersonalDataProtector& protector, const NotificationTemplates& templates,
                           ChannelTransports transports, DispatcherSettings settings = {},
                           NotificationEventSink events = {});

    // One batch: blocking (store and network). Throws StoreError when the store fails; a message
    // already sent but not yet marked is then sent again after its lease (at least once).
    DispatchReport run_once(TimePoint now);

private:
    Transport* transport_for(std::string_view channel) const;
    void emit(std::string_view event, const nlohmann::json& details) const;

    storage::Database& db_;
    storage::Notifications& queue_;
    storage::AuditLog& audit_;
    const PersonalDataProtector& protector_;
    const NotificationTemplates& templates_;
    ChannelTransports transports_;
    DispatcherSettings settings_;
    NotificationEventSink events_;
    std::vector<NotificationChannel> channels_;
};

// The transports the configuration asks for: the outbox for every channel when `outbox` is set,
// else SMTP and the SMS gateway when configured; letters always wait for the print service
// unless the outbox takes them. SMTP and the gateway each go through a circuit breaker
// (guarded_transport.hpp). Throws std::invalid_argument on an unusable setting (startup).
struct NotificationTransports {
    std::unique_ptr<Transport> outbox;
    std::unique_ptr<Transport> smtp;
    std::unique_ptr<Transport> sms;
    ChannelTransports channels() const;
};
// The SMS gateway is reached through `fetcher`, which must outlive the transports.
NotificationTransports make_notification_transports(const config::NotificationsConfig& config, Random& random,
                                                    const Clock& clock, http::HttpFetcher& fetcher);

// max_attempts and backoff_seconds from the configuration; backoff capped at one hour.
storage::RetryPolicy retry_policy(const config::NotificationsConfig& config);

}  // namespace caf::notify
