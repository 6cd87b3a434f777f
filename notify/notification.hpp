// What the rest of Caf Connect asks to send (SPEC.md §3–§6, §10): a channel, a recipient, one of
// the French message templates and its data. Builders below give each message its exact data.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/personal_data_protector.hpp"

namespace caf::notify {

enum class NotificationChannel { email, sms, letter };

std::string_view to_string(NotificationChannel channel) noexcept;
std::optional<NotificationChannel> parse_notification_channel(std::string_view text) noexcept;
// The kind the recipient is sealed under: e-mail address, phone number, postal address.
PersonalDataKind recipient_kind(NotificationChannel channel) noexcept;

// One template per message, web/templates/<name>.mustache.
enum class NotificationTemplate { freeze, code, account_created, password_changed, provisional_id, external_link_created };

std::string_view to_string(NotificationTemplate t) noexcept;  // "notification_freeze", ...
std::optional<NotificationTemplate> parse_notification_template(std::string_view text) noexcept;

struct Notification {
    NotificationChannel channel = NotificationChannel::email;
    // An e-mail address, a mobile number (06/07, 10 digits, or +33...), or a postal address
    // (lines separated by '\n'). Personal data: sealed in the queue.
    std::string recipient;
    NotificationTemplate template_name = NotificationTemplate::code;
    // The template's data; "code" is the verification code when there is one. Sealed too.
    nlohmann::json data = nlohmann::json::object();
    // For the audit entry when delivery is given up; never shown.
    std::optional<std::int64_t> account_id;
};

// "10 minutes", "1 heure", "24 heures", "15 jours": durations as the messages say them.
std::string french_duration(std::chrono::seconds duration);

// "Votre compte Mon Compte a été bloqué pendant 10 minutes ..." (SPEC.md §3).
Notification freeze_notice(NotificationChannel channel, std::string recipient, std::chrono::seconds frozen_for,
                           std::optional<std::int64_t> account_id = std::nullopt);
// "Votre code de vérification Mon Compte : 123456. Il est valable 10 minutes. ..." (§4, §6).
Notification verification_code_message(NotificationChannel channel, std::string recipient, std::string code,
                                       std::chrono::seconds validity,
                                       std::optional<std::int64_t> account_id = std::nullopt);
// The creation confirmation (§4): the NIR variant, or the provisional identifier variant when
// `provisional_id` is given ("P33392250").
Notification account_created_message(NotificationChannel channel, std::string recipient,
                                     std::optional<std::string> provisional_id,
                                     std::optional<std::int64_t> account_id = std::nullopt);
Notification password_changed_message(NotificationChannel channel, std::string recipient,
                                      std::optional<std::int64_t> account_id = std::nullopt);
// "Votre compte Mon Compte a été associé à FranceConnect" (§8 step 3): the owner learns of every
// link made with the password, in case it was not them.
Notification external_link_created_message(NotificationChannel channel, std::string recipient,
                                           std::string provider_label,
                                           std::optional<std::int64_t> account_id = std::nullopt);
// "Identifiant provisoire oublié ?" (§6).
Notification provisional_id_message(NotificationChannel channel, std::string recipient, std::string provisional_id,
                                    std::optional<std::int64_t> account_id = std::nullopt);

}  // namespace caf::notify
