// Postal letters (SPEC.md §6, §10): they stay in the notification queue until the print service
// takes them. "Sent" for a letter means handed to the print service, which claims letters, prints
// them, and says so; a letter not confirmed before its lease ends is offered again. The admin API
// will expose these calls to the print service.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "notify/notification_templates.hpp"
#include "core/personal_data_protector.hpp"
#include "core/clock.hpp"
#include "storage/audit_log.hpp"
#include "storage/database.hpp"
#include "storage/notifications.hpp"

namespace caf::notify {

struct PrintJob {
    std::int64_t id = 0;
    std::int64_t attempt = 0;        // give it back to mark_printed / mark_unprintable
    std::string postal_address;      // lines separated by '\n'
    std::string subject;             // the letter's heading
    std::string text;
    std::optional<std::string> code;  // the verification code, when the letter carries one
};

class LetterPrintQueue {
public:
    LetterPrintQueue(storage::Database& db, storage::Notifications& queue, storage::AuditLog& audit,
                     const PersonalDataProtector& protector, const NotificationTemplates& templates,
                     storage::RetryPolicy retry = {})
        : db_(db), queue_(queue), audit_(audit), protector_(protector), templates_(templates), retry_(retry) {}

    // Up to `limit` letters due at `now`, each claimed for `lease`. A letter whose sealed data
    // cannot be opened is given up (audited) instead of being handed out.
    std::vector<PrintJob> claim_letters(TimePoint now, int limit, std::chrono::seconds lease = std::chrono::hours{1});
    // False when the claim was taken over (the lease ended before the confirmation).
    bool mark_printed(std::int64_t id, std::int64_t attempt, TimePoint now);
    // The print service could not print it (`reason` without personal data): retried with backoff.
    bool mark_unprintable(std::int64_t id, std::int64_t attempt, TimePoint now, const std::string& reason);

private:
    storage::Database& db_;
    storage::Notifications& queue_;
    storage::AuditLog& audit_;
    const PersonalDataProtector& protector_;
    const NotificationTemplates& templates_;
    storage::RetryPolicy retry_;
};

}  // namespace caf::notify
