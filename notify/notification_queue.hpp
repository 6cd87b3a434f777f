// What the dispatcher and the letter print queue add to storage::Notifications: claiming due
// rows of some channels only (the dispatcher leaves letters to the print service), and opening a
// claimed row into the message to send.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "notify/notification_templates.hpp"
#include "notify/transport.hpp"
#include "core/personal_data_protector.hpp"
#include "core/expected.hpp"
#include "storage/database.hpp"
#include "storage/notifications.hpp"

namespace caf::notify {

// Must run in a write transaction. Same semantics as claim_due: pending rows due at `now`, or
// claimed rows whose lease ended; attempts + 1, status "sending", lease until now + lease.
std::vector<storage::Notification> claim_due_on_channels(storage::Notifications& queue, storage::Connection& c,
                                                         std::int64_t now, int limit,
                                                         std::int64_t lease_seconds,
                                                         const std::vector<NotificationChannel>& channels);

struct PreparedMessage {
    OutgoingMessage message;
    std::optional<std::int64_t> account_id;
};

// Opens the sealed recipient and payload and renders the template. The error (no personal data)
// means the row can never be sent: unknown channel or template, data sealed under another key.
expected<PreparedMessage, std::string> prepare_message(const storage::Notification& row,
                                                       const PersonalDataProtector& protector,
                                                       const NotificationTemplates& templates, TimePoint now);

}  // namespace caf::notify
