// Sealing and queueing; nothing is rendered or sent here.
#include "notify/notifier.hpp"

#include <stdexcept>

namespace caf::notify {

std::string seal_payload(const PersonalDataProtector& protector, NotificationChannel channel,
                         const nlohmann::json& data, std::optional<std::int64_t> account_id) {
    nlohmann::json payload{{"data", data}};
    if (account_id) payload["account_id"] = *account_id;
    // Sealed under the recipient's kind: the payload (a code, a provisional identifier) is as
    // personal as the address it goes to.
    return protector.seal(recipient_kind(channel), payload.dump());
}

std::optional<OwnerContact> owner_contact(const PersonalDataProtector& protector, const storage::Account& account) {
    if (account.email_sealed)
        if (auto email = protector.open(PersonalDataKind::email, *account.email_sealed))
            return OwnerContact{NotificationChannel::email, std::move(*email)};
    if (account.phone_sealed)
        if (auto phone = protector.open(PersonalDataKind::phone, *account.phone_sealed))
            return OwnerContact{NotificationChannel::sms, std::move(*phone)};
    return std::nullopt;
}

std::int64_t Notifier::enqueue(storage::Connection& c, const Notification& n, TimePoint now) const {
    if (n.recipient.empty()) throw std::invalid_argument("a notification needs a recipient");
    if (!n.data.is_object()) throw std::invalid_argument("notification data must be a JSON object");
    storage::NewNotification row;
    row.channel = std::string(to_string(n.channel));
    row.recipient_sealed = protector_.seal(recipient_kind(n.channel), n.recipient);
    row.template_name = std::string(to_string(n.template_name));
    row.payload_sealed = seal_payload(protector_, n.channel, n.data, n.account_id);
    return queue_.enqueue(c, row, to_unix_seconds(now));
}

}  // namespace caf::notify
