// Channel-filtered claims over the storage queue, and opening a claimed row.
#include "notify/notification_queue.hpp"

#include <algorithm>

#include "core/crypto.hpp"

namespace caf::notify {

std::vector<storage::Notification> claim_due_on_channels(storage::Notifications& queue, storage::Connection& c,
                                                         std::int64_t now, int limit,
                                                         std::int64_t lease_seconds,
                                                         const std::vector<NotificationChannel>& channels) {
    if (channels.empty()) return {};
    std::vector<std::string> names;
    for (auto channel : channels) names.emplace_back(to_string(channel));
    return queue.claim_due(c, now, limit, lease_seconds, names);
}

expected<PreparedMessage, std::string> prepare_message(const storage::Notification& row,
                                                       const PersonalDataProtector& protector,
                                                       const NotificationTemplates& templates, TimePoint now) {
    const auto channel = parse_notification_channel(row.channel);
    if (!channel) return unexpected(std::string("unknown channel"));
    const auto template_name = parse_notification_template(row.template_name);
    if (!template_name) return unexpected(std::string("unknown template"));
    auto recipient = protector.open(recipient_kind(*channel), row.recipient_sealed);
    auto payload_text = protector.open(recipient_kind(*channel), row.payload_sealed);
    if (!recipient || !payload_text) return unexpected(std::string("sealed data cannot be opened"));
    const auto payload = nlohmann::json::parse(*payload_text, nullptr, false);
    if (!payload.is_object() || !payload.contains("data") || !payload["data"].is_object())
        return unexpected(std::string("malformed payload"));

    PreparedMessage out;
    if (payload.contains("account_id") && payload["account_id"].is_number_integer())
        out.account_id = payload["account_id"].get<std::int64_t>();
    const auto& data = payload["data"];
    OutgoingMessage& m = out.message;
    m.id = row.id;
    m.delivery_key = std::to_string(row.id) + "-" + crypto::hex_encode(crypto::sha256(row.payload_sealed)).substr(0, 16);
    m.channel = *channel;
    m.recipient = std::move(*recipient);
    m.template_name = *template_name;
    if (data.contains("code") && data["code"].is_string()) m.code = data["code"].get<std::string>();
    m.date = now;
    try {
        auto rendered = templates.render(*template_name, data);
        m.subject = std::move(rendered.subject);
        m.text = std::move(rendered.text);
    } catch (const std::exception&) {
        return unexpected(std::string("template cannot be rendered"));
    }
    return out;
}

}  // namespace caf::notify
