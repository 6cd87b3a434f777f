// Claim in one short transaction, send outside any transaction, record each outcome in its own:
// the store is never held while the network is slow.
#include "notify/notification_dispatcher.hpp"

#include "notify/guarded_transport.hpp"
#include "notify/notification_queue.hpp"
#include "notify/outbox_transport.hpp"
#include "notify/sms_gateway_transport.hpp"
#include "notify/smtp_transport.hpp"

namespace caf::notify {

NotificationDispatcher::NotificationDispatcher(storage::Database& db, storage::Notifications& queue,
                                               storage::AuditLog& audit, const PersonalDataProtector& protector,
                                               const NotificationTemplates& templates, ChannelTransports transports,
                                               DispatcherSettings settings, NotificationEventSink events)
    : db_(db), queue_(queue), audit_(audit), protector_(protector), templates_(templates), transports_(transports),
      settings_(settings), events_(std::move(events)) {
    if (transports_.email) channels_.push_back(NotificationChannel::email);
    if (transports_.sms) channels_.push_back(NotificationChannel::sms);
    if (transports_.letter) channels_.push_back(NotificationChannel::letter);
}

Transport* NotificationDispatcher::transport_for(std::string_view channel) const {
    const auto parsed = parse_notification_channel(channel);
    if (!parsed) return nullptr;
    switch (*parsed) {
        case NotificationChannel::email: return transports_.email;
        case NotificationChannel::sms: return transports_.sms;
        case NotificationChannel::letter: return transports_.letter;
    }
    return nullptr;
}

void NotificationDispatcher::emit(std::string_view event, const nlohmann::json& details) const {
    if (!events_) return;
    try {
        events_(event, details);
    } catch (...) {
        // A failing log must not make a sent message look unsent.
    }
}

DispatchReport NotificationDispatcher::run_once(TimePoint now) {
    DispatchReport report;
    if (channels_.empty()) return report;
    const std::int64_t at = to_unix_seconds(now);
    auto claimed = db_.transaction([&](storage::Connection& c) {
        return claim_due_on_channels(queue_, c, at, settings_.batch_size, settings_.lease.count(), channels_);
    });
    report.claimed = int(claimed.size());
    report.batch_full = report.claimed >= settings_.batch_size;

    for (const auto& row : claimed) {
        nlohmann::json details{{"id", row.id}, {"channel", row.channel}, {"template", row.template_name},
                               {"attempt", row.attempts}};
        auto prepared = prepare_message(row, protector_, templates_, now);
        std::optional<std::int64_t> account_id;
        std::string error;
        bool permanent = false;
        if (!prepared) {
            error = prepared.error();
            permanent = true;  // retrying cannot open or render it
        } else {
            account_id = prepared->account_id;
            Transport* transport = transport_for(row.channel);
            auto result = transport ? transport->send(prepared->message)
                                    : SendResult(unexpected(TransportError{"no transport for the channel"}));
            if (result) {
                if (queue_.mark_sent(row.id, row.attempts, at)) {
                    ++report.sent;
                    emit("notification.sent", details);
                } else {
                    ++report.fenced;
                    emit("notification.fenced", details);
                }
                continue;
            }
            error = result.error().reason;
            permanent = result.error().permanent;
        }

        storage::RetryPolicy policy = settings_.retry;
        if (permanent) policy.max_attempts = row.attempts;
        const bool give_up = row.attempts >= policy.max_attempts;
        details["error"] = error;
        const bool recorded = db_.transaction([&](storage::Connection& c) {
            if (!queue_.mark_failed(c, row.id, row.attempts, at, error, policy)) return false;
            if (give_up) {
                storage::NewAuditEntry entry;
                entry.at = at;
                entry.actor_type = "system";
                entry.actor_id = "notifications";
                entry.action = "notification.failed";
                entry.account_id = account_id;
                entry.details = details;
                audit_.append(c, entry);
            }
            return true;
        });
        if (!recorded) {
            ++report.fenced;
            emit("notification.fenced", details);
        } else if (give_up) {
            ++report.given_up;
            emit("notification.failed", details);
        } else {
            ++report.retried;
            emit("notification.retry", details);
        }
    }
    return report;
}

ChannelTransports NotificationTransports::channels() const {
    if (outbox) return {outbox.get(), outbox.get(), outbox.get()};
    return {smtp.get(), sms.get(), nullptr};
}

NotificationTransports make_notification_transports(const config::NotificationsConfig& config, Random& random,
                                                    const Clock& clock, http::HttpFetcher& fetcher) {
    // One failure in a row opens the circuit for half a minute: the queue keeps the messages.
    const UpstreamGuard::Settings guard{1, 1, std::chrono::seconds(30)};
    NotificationTransports out;
    if (config.outbox) {
        out.outbox = std::make_unique<OutboxTransport>(*config.outbox);
        return out;
    }
    if (config.smtp_url) {
        SmtpSettings smtp;
        smtp.url = *config.smtp_url;
        smtp.user = config.smtp_user;
        smtp.password = config.smtp_password;
        smtp.from = config.smtp_from;
        out.smtp = std::make_unique<GuardedTransport>(std::make_unique<SmtpTransport>(std::move(smtp), random), guard,
                                                      clock);
    }
    if (config.sms_gateway_url) {
        SmsGatewaySettings sms;
        sms.url = *config.sms_gateway_url;
        sms.token = config.sms_gateway_token.value_or("");
        out.sms = std::make_unique<GuardedTransport>(std::make_unique<SmsGatewayTransport>(std::move(sms), fetcher),
                                                     guard, clock);
    }
    return out;
}

storage::RetryPolicy retry_policy(const config::NotificationsConfig& config) {
    return storage::doubling_retry(config.max_attempts, config.backoff_seconds);
}

}  // namespace caf::notify
