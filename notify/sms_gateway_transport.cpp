#include "notify/sms_gateway_transport.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/http.hpp"

namespace caf::notify {

std::optional<std::string> to_e164_french_mobile(std::string_view phone) {
    std::string digits;
    bool plus = false;
    for (std::size_t i = 0; i < phone.size(); ++i) {
        const char c = phone[i];
        if (c == ' ' || c == '.' || c == '-') continue;
        if (c == '+' && digits.empty() && !plus) {
            plus = true;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        digits += c;
    }
    if (!plus && digits.size() == 10 && digits[0] == '0' && digits[1] != '0') return "+33" + digits.substr(1);
    if (plus && digits.size() >= 8 && digits.size() <= 15 && digits[0] != '0') return "+" + digits;
    return std::nullopt;
}

SmsGatewayTransport::SmsGatewayTransport(SmsGatewaySettings settings, http::HttpFetcher& fetcher)
    : settings_(std::move(settings)), fetcher_(fetcher) {
    if (!http::split_http_url(settings_.url))
        throw std::invalid_argument("the SMS gateway URL must be http(s)://HOST[:PORT][/PATH]");
}

SendResult SmsGatewayTransport::send(const OutgoingMessage& message) {
    const auto to = to_e164_french_mobile(message.recipient);
    if (!to) return unexpected(TransportError{"sms: malformed phone number", true});
    const std::string body = nlohmann::json{{"to", *to}, {"text", message.text}}.dump();
    // The queue id lets the gateway drop a retry of something it already accepted.
    const http::HeaderList headers{{"Authorization", "Bearer " + settings_.token},
                                   {"Idempotency-Key", "caf-notification-" + std::to_string(message.id)},
                                   {"Accept", "application/json"}};
    auto reply = fetcher_.post(settings_.url, headers, body, "application/json", settings_.timeout);
    if (!reply) return unexpected(TransportError{"sms: " + reply.error().what});
    if (reply->status < 200 || reply->status > 299)
        return unexpected(TransportError{"sms: gateway answered " + std::to_string(reply->status)});
    std::string reference;
    auto json = nlohmann::json::parse(reply->body, nullptr, false);
    if (json.is_object() && json.contains("id") && (json["id"].is_string() || json["id"].is_number()))
        reference = json["id"].is_string() ? json["id"].get<std::string>() : json["id"].dump();
    return Delivered{reference};
}

}  // namespace caf::notify
