// The print service's side of the queue: letters only, claimed with the same fencing as the
// dispatcher's claims.
#include "notify/letter_print_queue.hpp"

#include "notify/notification_queue.hpp"

namespace caf::notify {

std::vector<PrintJob> LetterPrintQueue::claim_letters(TimePoint now, int limit, std::chrono::seconds lease) {
    const std::int64_t at = to_unix_seconds(now);
    return db_.transaction([&](storage::Connection& c) {
        std::vector<PrintJob> jobs;
        for (const auto& row : claim_due_on_channels(queue_, c, at, limit, lease.count(), {NotificationChannel::letter})) {
            auto prepared = prepare_message(row, protector_, templates_, now);
            if (!prepared) {
                storage::RetryPolicy give_up = retry_;
                give_up.max_attempts = row.attempts;
                queue_.mark_failed(c, row.id, row.attempts, at, prepared.error(), give_up);
                storage::NewAuditEntry entry;
                entry.at = at;
                entry.actor_type = "system";
                entry.actor_id = "notifications";
                entry.action = "notification.failed";
                entry.details = {{"id", row.id}, {"channel", row.channel}, {"template", row.template_name},
                                 {"attempt", row.attempts}, {"error", prepared.error()}};
                audit_.append(c, entry);
                continue;
            }
            auto& m = prepared->message;
            jobs.push_back(PrintJob{row.id, row.attempts, std::move(m.recipient), std::move(m.subject),
                                    std::move(m.text), std::move(m.code)});
        }
        return jobs;
    });
}

bool LetterPrintQueue::mark_printed(std::int64_t id, std::int64_t attempt, TimePoint now) {
    return queue_.mark_sent(id, attempt, to_unix_seconds(now));
}

bool LetterPrintQueue::mark_unprintable(std::int64_t id, std::int64_t attempt, TimePoint now,
                                        const std::string& reason) {
    return queue_.mark_failed(id, attempt, to_unix_seconds(now), reason, retry_);
}

}  // namespace caf::notify
