// SMS through an HTTP(S) gateway: JSON POST {"to": "+33...", "text": "..."} with a bearer token.
// A 2xx answer is a delivery; anything else (or no answer within the timeouts) is retried.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "notify/transport.hpp"
#include "core/http_fetcher.hpp"

namespace caf::notify {

struct SmsGatewaySettings {
    std::string url;    // http(s)://HOST[:PORT]/PATH
    std::string token;  // a secret
    std::chrono::milliseconds timeout{15'000};
};

// "06 12 34 56 78", "0612345678" or "+33612345678" → "+33612345678"; nullopt otherwise.
std::optional<std::string> to_e164_french_mobile(std::string_view phone);

class SmsGatewayTransport final : public Transport {
public:
    // Throws std::invalid_argument when the URL is not http(s)://HOST[:PORT][/PATH]. `fetcher`
    // must outlive the transport.
    SmsGatewayTransport(SmsGatewaySettings settings, http::HttpFetcher& fetcher);
    SendResult send(const OutgoingMessage& message) override;

private:
    SmsGatewaySettings settings_;
    http::HttpFetcher& fetcher_;
};

}  // namespace caf::notify
