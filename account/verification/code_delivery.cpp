#include "account/verification/code_delivery.hpp"

#include "notify/notifier.hpp"
#include "storage/notifications.hpp"

namespace caf::account {

notify::NotificationChannel notification_channel(CodeChannel channel) {
    switch (channel) {
        case CodeChannel::email: return notify::NotificationChannel::email;
        case CodeChannel::sms: return notify::NotificationChannel::sms;
        case CodeChannel::letter: return notify::NotificationChannel::letter;
    }
    return notify::NotificationChannel::email;
}

SendOutcome deliver_code(storage::Database& db, VerificationCodeService& codes, const PersonalDataProtector& protector,
                         const CodeDelivery& delivery, TimePoint now,
                         const std::function<void(storage::Connection&, const SentCode&)>& record) {
    storage::Notifications queue(db);
    notify::Notifier notifier(queue, protector);
    return db.transaction([&](storage::Connection& c) -> SendOutcome {
        auto sent = delivery.resend_of
                        ? codes.resend(c, *delivery.resend_of, delivery.purpose, delivery.subject, now)
                        : codes.send_code(c, delivery.purpose, delivery.subject, delivery.channel, now);
        if (!sent) return sent;
        if (delivery.recipient)
            notifier.enqueue(c,
                             notify::verification_code_message(notification_channel(delivery.channel),
                                                               *delivery.recipient, sent->code,
                                                               codes.config().validity(delivery.channel),
                                                               delivery.account_id),
                             now);
        if (record) record(c, *sent);
        return sent;
    });
}

}  // namespace caf::account
