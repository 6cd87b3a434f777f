// SMS through an HTTP(S) gateway: JSON POST {"to": "+33...", "text": "..."} with a bearer token.
// A 2xx answer is a delivery; anything else (or no answer within the timeouts) is retried.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "account/notifications/transport.hpp"

namespace caf::account {

struct SmsGatewaySettings {
    std::string url;    // http(s)://HOST[:PORT]/PATH
    std::string token;  // a secret
    std::optional<std::string> ca_file;  // trust anchors other than the system's (tests)
    std::chrono::milliseconds connect_timeout{5'000};
    std::chrono::milliseconds read_timeout{15'000};
};

// "06 12 34 56 78", "0612345678" or "+33612345678" → "+33612345678"; nullopt otherwise.
std::optional<std::string> to_e164_french_mobile(std::string_view phone);

class SmsGatewayTransport final : public Transport {
public:
    // Throws std::invalid_argument when the URL is not http(s)://HOST[:PORT][/PATH].
    explicit SmsGatewayTransport(SmsGatewaySettings settings);
    SendResult send(const OutgoingMessage& message) override;

private:
    SmsGatewaySettings settings_;
    std::string origin_;  // scheme://host:port
    std::string path_;
};

}  // namespace caf::account
