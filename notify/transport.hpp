// How a rendered message leaves Caf Connect: one Transport per channel (SMTP, SMS gateway) or the
// development outbox for all. Failures are values; the dispatcher retries them with backoff.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "notify/notification.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"

namespace caf::notify {

struct OutgoingMessage {
    std::int64_t id = 0;  // the queue row: makes Message-IDs and gateway references idempotent
    // The row id and a digest of its sealed payload: unique even across stores (a development
    // database recreated next to an old outbox), the same for every retry of the row.
    std::string delivery_key;
    NotificationChannel channel = NotificationChannel::email;
    std::string recipient;
    NotificationTemplate template_name = NotificationTemplate::code;
    std::string subject;
    std::string text;
    std::optional<std::string> code;  // the verification code, when the message carries one
    TimePoint date;                   // when it is sent
};

struct Delivered {
    std::string reference;  // Message-ID, gateway id...: no personal data
};

struct TransportError {
    // Short, without personal data (it is stored in the queue and may be logged).
    std::string reason;
    // True when retrying cannot help (a malformed or refused address): given up at once.
    bool permanent = false;
};

using SendResult = expected<Delivered, TransportError>;

class Transport {
public:
    virtual ~Transport() = default;
    // Blocking, bounded by the transport's timeouts; never throws for what the network does.
    virtual SendResult send(const OutgoingMessage& message) = 0;
};

}  // namespace caf::notify
