#include "account/verification/code_delivery.hpp"

#include "account/notifications/notifier.hpp"
#include "storage/notifications.hpp"

namespace caf::account {

NotificationChannel notification_channel(CodeChannel channel) {
    switch (channel) {
        case CodeChannel::email: return NotificationChannel::email;
        case CodeChannel::sms: return NotificationChannel::sms;
        case CodeChannel::letter: return NotificationChannel::letter;
    }
    return NotificationChannel::email;
}

SendOutcome deliver_code(storage::Database& db, VerificationCodeService& codes, const PersonalDataProtector& protector,
                         const CodeDelivery& delivery, TimePoint now,
                         const std::function<void(storage::Connection&, const SentCode&)>& record) {
    storage::Notifications queue(db);
    Notifier notifier(queue, protector);
    return db.transaction([&](storage::Connection& c) -> SendOutcome {
        auto sent = delivery.resend_of
                        ? codes.resend(c, *delivery.resend_of, delivery.purpose, delivery.subject, now)
                        : codes.send_code(c, delivery.purpose, delivery.subject, delivery.channel, now);
        if (!sent) return sent;
        if (delivery.recipient)
            notifier.enqueue(c,
                             verification_code_message(notification_channel(delivery.channel), *delivery.recipient,
                                                       sent->code, codes.config().validity(delivery.channel),
                                                       delivery.account_id),
                             now);
        if (record) record(c, *sent);
        return sent;
    });
}

}  // namespace caf::account
