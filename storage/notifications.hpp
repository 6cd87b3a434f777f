// The outgoing notification queue (mail, SMS, letters, and back-channel logout tokens). Workers
// on any node claim due rows with a lease; a claim is exclusive, and a worker that dies only
// delays its rows until the lease ends. Recipient and payload of mail, SMS and letters arrive
// sealed; a back-channel logout holds nothing personal (storage/session_end.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace caf::storage {

struct NewNotification {
    std::string channel;  // "email", "sms", "letter"
    std::string recipient_sealed;
    std::string template_name;
    std::string payload_sealed;
};

struct Notification : NewNotification {
    std::int64_t id = 0;
    std::string status;         // "pending", "sending" (claimed), "sent", "failed" (gave up)
    std::int64_t attempts = 0;  // claims so far; also the fencing token of the current claim
    std::int64_t next_attempt_at = 0;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> sent_at;
    std::optional<std::string> last_error;
};

struct RetryPolicy {
    std::int64_t max_attempts = 6;
    std::int64_t base_delay = 30;  // seconds, doubled after each failure
    std::int64_t max_delay = 3600;
};
// What the configuration says ([notifications], [backchannel_logout]): this many attempts, the
// first retry after `first_delay` seconds, doubled up to an hour (or first_delay if longer).
inline RetryPolicy doubling_retry(std::int64_t max_attempts, std::int64_t first_delay) {
    return RetryPolicy{max_attempts, first_delay, first_delay > 3600 ? first_delay : 3600};
}

class Notifications {
public:
    explicit Notifications(Database& db) : db_(db) {}

    // Needs no Database: storage::end_session queues back-channel logouts with it.
    static std::int64_t enqueue(Connection& c, const NewNotification& n, std::int64_t now);
    std::optional<Notification> find(Connection& c, std::int64_t id);
    // Claims up to `limit` due rows (pending, or claimed with an expired lease) for
    // `lease_seconds`: attempts + 1, status "sending". Must run in a write transaction.
    // `channels`: only rows of these channels ("email", "sms", "letter"); empty: every channel.
    // Letters wait for the print service, so the mail/SMS dispatcher claims the other two only.
    std::vector<Notification> claim_due(Connection& c, std::int64_t now, int limit, std::int64_t lease_seconds,
                                        const std::vector<std::string>& channels = {});
    // `attempt` is the claim's attempts value: a worker whose lease was taken over cannot
    // overwrite the new claim's outcome. False then.
    bool mark_sent(Connection& c, std::int64_t id, std::int64_t attempt, std::int64_t now);
    // Back to pending after a backoff, or "failed" for good after policy.max_attempts.
    // `error` must not contain personal data.
    bool mark_failed(Connection& c, std::int64_t id, std::int64_t attempt, std::int64_t now,
                     const std::string& error, const RetryPolicy& policy = {});
    std::int64_t delete_sent(Connection& c, std::int64_t before);

    std::int64_t enqueue(const NewNotification& n, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return enqueue(c, n, now); });
    }
    std::vector<Notification> claim_due(std::int64_t now, int limit, std::int64_t lease_seconds) {
        return db_.transaction([&](Connection& c) { return claim_due(c, now, limit, lease_seconds); });
    }
    bool mark_sent(std::int64_t id, std::int64_t attempt, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return mark_sent(c, id, attempt, now); });
    }
    bool mark_failed(std::int64_t id, std::int64_t attempt, std::int64_t now, const std::string& error,
                     const RetryPolicy& policy = {}) {
        return db_.transaction([&](Connection& c) { return mark_failed(c, id, attempt, now, error, policy); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
