// cpp-httplib client, one connection per message (the gateway may sit behind a load balancer).
#include "account/notifications/sms_gateway_transport.hpp"

#include <stdexcept>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/http.hpp"

namespace caf::account {

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

SmsGatewayTransport::SmsGatewayTransport(SmsGatewaySettings settings) : settings_(std::move(settings)) {
    auto parts = http::split_http_url(settings_.url);
    if (!parts) throw std::invalid_argument("the SMS gateway URL must be http(s)://HOST[:PORT][/PATH]");
    origin_ = std::move(parts->origin);
    path_ = std::move(parts->path);
}

SendResult SmsGatewayTransport::send(const OutgoingMessage& message) {
    const auto to = to_e164_french_mobile(message.recipient);
    if (!to) return unexpected(TransportError{"sms: malformed phone number", true});
    const std::string body = nlohmann::json{{"to", *to}, {"text", message.text}}.dump();

    httplib::Client client(origin_);
    if (!client.is_valid()) return unexpected(TransportError{"sms: the gateway URL is not usable"});
    client.set_connection_timeout(std::chrono::duration_cast<std::chrono::microseconds>(settings_.connect_timeout));
    client.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(settings_.read_timeout));
    client.set_write_timeout(std::chrono::duration_cast<std::chrono::microseconds>(settings_.read_timeout));
    client.set_follow_location(false);
    client.set_keep_alive(false);
    client.enable_server_certificate_verification(true);
    if (settings_.ca_file) client.set_ca_cert_path(settings_.ca_file->c_str());
    client.set_bearer_token_auth(settings_.token.c_str());
    // The queue id lets the gateway drop a retry of something it already accepted.
    const httplib::Headers headers{{"Idempotency-Key", "caf-notification-" + std::to_string(message.id)},
                                   {"Accept", "application/json"}};

    auto response = client.Post(path_.c_str(), headers, body, "application/json");
    if (!response) return unexpected(TransportError{"sms: " + httplib::to_string(response.error())});
    if (response->status < 200 || response->status > 299)
        return unexpected(TransportError{"sms: gateway answered " + std::to_string(response->status)});
    std::string reference;
    auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json.is_object() && json.contains("id") && (json["id"].is_string() || json["id"].is_number()))
        reference = json["id"].is_string() ? json["id"].get<std::string>() : json["id"].dump();
    return Delivered{reference};
}

}  // namespace caf::account
