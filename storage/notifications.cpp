// Notification queue: SELECT ... FOR UPDATE SKIP LOCKED on MariaDB so claimers on several nodes
// take different rows; BEGIN IMMEDIATE serialises them on SQLite.
#include "storage/notifications.hpp"

#include <algorithm>

namespace caf::storage {

namespace {

constexpr std::string_view select_notification =
    "SELECT id, channel, recipient_sealed, template_name, payload_sealed, status, attempts, next_attempt_at, "
    "created_at, sent_at, last_error FROM notifications ";

Notification to_notification(const Row& r) {
    Notification n;
    n.id = r.integer("id");
    n.channel = r.text("channel");
    n.recipient_sealed = r.blob("recipient_sealed");
    n.template_name = r.text("template_name");
    n.payload_sealed = r.blob("payload_sealed");
    n.status = r.text("status");
    n.attempts = r.integer("attempts");
    n.next_attempt_at = r.integer("next_attempt_at");
    n.created_at = r.integer("created_at");
    n.sent_at = r.optional_integer("sent_at");
    n.last_error = r.optional_text("last_error");
    return n;
}

}  // namespace

std::int64_t Notifications::enqueue(Connection& c, const NewNotification& n, std::int64_t now) {
    c.exec("INSERT INTO notifications (channel, recipient_sealed, template_name, payload_sealed, status, attempts, "
           "next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
           {n.channel, Blob{n.recipient_sealed}, n.template_name, Blob{n.payload_sealed}, now, now});
    return c.last_insert_id();
}

std::optional<Notification> Notifications::find(Connection& c, std::int64_t id) {
    auto row = c.query_one(std::string(select_notification) + "WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return to_notification(*row);
}

std::vector<Notification> Notifications::claim_due(Connection& c, std::int64_t now, int limit,
                                                   std::int64_t lease_seconds, const std::vector<std::string>& channels) {
    std::string channel_filter;
    Params params;
    if (!channels.empty()) {
        channel_filter = "channel IN (";
        for (std::size_t i = 0; i < channels.size(); ++i) {
            channel_filter += i ? ", ?" : "?";
            params.emplace_back(channels[i]);
        }
        channel_filter += ") AND ";
    }
    params.emplace_back(now);
    params.emplace_back(std::int64_t{std::max(limit, 1)});
    // For a claimed row next_attempt_at is the end of its lease, so one condition covers both
    // "pending and due" and "claimed but abandoned".
    auto rows = c.query(std::string(select_notification) + "WHERE " + channel_filter +
                            "status IN ('pending', 'sending') AND next_attempt_at <= ? "
                            "ORDER BY next_attempt_at, id LIMIT ?" +
                            std::string(c.dialect().for_update_skip_locked()),
                        params);
    std::vector<Notification> claimed;
    for (const auto& row : rows) {
        Notification n = to_notification(row);
        // Conditional on the attempts we read: never claim a row someone else just claimed.
        if (c.exec("UPDATE notifications SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? "
                   "WHERE id = ? AND attempts = ?",
                   {now + lease_seconds, n.id, n.attempts}) != 1) {
            continue;
        }
        n.status = "sending";
        n.attempts += 1;
        n.next_attempt_at = now + lease_seconds;
        claimed.push_back(std::move(n));
    }
    return claimed;
}

bool Notifications::mark_sent(Connection& c, std::int64_t id, std::int64_t attempt, std::int64_t now) {
    return c.exec("UPDATE notifications SET status = 'sent', sent_at = ?, last_error = NULL "
                  "WHERE id = ? AND attempts = ? AND status = 'sending'",
                  {now, id, attempt}) == 1;
}

bool Notifications::mark_failed(Connection& c, std::int64_t id, std::int64_t attempt, std::int64_t now,
                                const std::string& error, const RetryPolicy& policy) {
    const bool give_up = attempt >= policy.max_attempts;
    std::int64_t delay = policy.base_delay;
    for (std::int64_t i = 1; i < attempt && delay < policy.max_delay; ++i) delay *= 2;
    delay = std::min(delay, policy.max_delay);
    return c.exec("UPDATE notifications SET status = ?, next_attempt_at = ?, last_error = ? "
                  "WHERE id = ? AND attempts = ? AND status = 'sending'",
                  {std::string(give_up ? "failed" : "pending"), now + delay, error.substr(0, 500), id, attempt}) == 1;
}

std::int64_t Notifications::delete_sent(Connection& c, std::int64_t before) {
    return c.exec("DELETE FROM notifications WHERE status IN ('sent', 'failed') AND next_attempt_at < ? "
                  "AND (sent_at IS NULL OR sent_at < ?)",
                  {before, before});
}

}  // namespace caf::storage
