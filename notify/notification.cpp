// Channel and template names as stored in the queue, and the data of each French message.
#include "notify/notification.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace caf::notify {

namespace {

constexpr std::array<std::pair<NotificationChannel, std::string_view>, 3> channel_names{{
    {NotificationChannel::email, "email"},
    {NotificationChannel::sms, "sms"},
    {NotificationChannel::letter, "letter"},
}};

constexpr std::array<std::pair<NotificationTemplate, std::string_view>, 6> template_names{{
    {NotificationTemplate::freeze, "notification_freeze"},
    {NotificationTemplate::code, "notification_code"},
    {NotificationTemplate::account_created, "notification_account_created"},
    {NotificationTemplate::password_changed, "notification_password_changed"},
    {NotificationTemplate::provisional_id, "notification_provisional_id"},
    {NotificationTemplate::external_link_created, "notification_external_link"},
}};

Notification make(NotificationChannel channel, std::string recipient, NotificationTemplate t, nlohmann::json data,
                  std::optional<std::int64_t> account_id) {
    Notification n;
    n.channel = channel;
    n.recipient = std::move(recipient);
    n.template_name = t;
    n.data = std::move(data);
    n.account_id = account_id;
    return n;
}

std::string plural(std::int64_t count, std::string_view one, std::string_view many) {
    return std::to_string(count) + " " + std::string(count > 1 ? many : one);
}

}  // namespace

std::string_view to_string(NotificationChannel channel) noexcept {
    for (const auto& [value, name] : channel_names)
        if (value == channel) return name;
    return "email";
}

std::optional<NotificationChannel> parse_notification_channel(std::string_view text) noexcept {
    for (const auto& [value, name] : channel_names)
        if (name == text) return value;
    return std::nullopt;
}

PersonalDataKind recipient_kind(NotificationChannel channel) noexcept {
    switch (channel) {
        case NotificationChannel::email: return PersonalDataKind::email;
        case NotificationChannel::sms: return PersonalDataKind::phone;
        case NotificationChannel::letter: return PersonalDataKind::postal_address;
    }
    return PersonalDataKind::email;
}

std::string_view to_string(NotificationTemplate t) noexcept {
    for (const auto& [value, name] : template_names)
        if (value == t) return name;
    return "notification_code";
}

std::optional<NotificationTemplate> parse_notification_template(std::string_view text) noexcept {
    for (const auto& [value, name] : template_names)
        if (name == text) return value;
    return std::nullopt;
}

std::string french_duration(std::chrono::seconds duration) {
    using namespace std::chrono;
    const auto s = duration.count();
    if (s >= 86400 * 2 && s % 86400 == 0) return plural(s / 86400, "jour", "jours");
    if (s >= 3600 && s % 3600 == 0) return plural(s / 3600, "heure", "heures");
    if (s < 60) return plural(std::max<std::int64_t>(1, s), "seconde", "secondes");
    // Rounded up: a freeze of 9 min 30 s is announced as 10 minutes, never less than it lasts.
    return plural(std::max<std::int64_t>(1, (s + 59) / 60), "minute", "minutes");
}

Notification freeze_notice(NotificationChannel channel, std::string recipient, std::chrono::seconds frozen_for,
                           std::optional<std::int64_t> account_id) {
    return make(channel, std::move(recipient), NotificationTemplate::freeze,
                {{"duration", french_duration(frozen_for)}}, account_id);
}

Notification verification_code_message(NotificationChannel channel, std::string recipient, std::string code,
                                       std::chrono::seconds validity, std::optional<std::int64_t> account_id) {
    return make(channel, std::move(recipient), NotificationTemplate::code,
                {{"code", std::move(code)}, {"validity", french_duration(validity)}}, account_id);
}

Notification account_created_message(NotificationChannel channel, std::string recipient,
                                     std::optional<std::string> provisional_id,
                                     std::optional<std::int64_t> account_id) {
    nlohmann::json data = nlohmann::json::object();
    if (provisional_id) data["provisional_id"] = *provisional_id;
    return make(channel, std::move(recipient), NotificationTemplate::account_created, std::move(data), account_id);
}

Notification password_changed_message(NotificationChannel channel, std::string recipient,
                                      std::optional<std::int64_t> account_id) {
    return make(channel, std::move(recipient), NotificationTemplate::password_changed, nlohmann::json::object(),
                account_id);
}

Notification external_link_created_message(NotificationChannel channel, std::string recipient,
                                           std::string provider_label, std::optional<std::int64_t> account_id) {
    return make(channel, std::move(recipient), NotificationTemplate::external_link_created,
                {{"provider", std::move(provider_label)}}, account_id);
}

Notification provisional_id_message(NotificationChannel channel, std::string recipient, std::string provisional_id,
                                    std::optional<std::int64_t> account_id) {
    return make(channel, std::move(recipient), NotificationTemplate::provisional_id,
                {{"provisional_id", std::move(provisional_id)}}, account_id);
}

}  // namespace caf::notify
