// Who the client is: the peer address, unless the peer is a trusted proxy, in which case its
// X-Forwarded-For / X-Forwarded-Proto are believed. Anyone else can write those headers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caf::server {

class TrustedProxies {
public:
    // Addresses ("10.0.0.5", "::1") or CIDR blocks ("10.0.0.0/8", "fd00::/8"). Throws
    // std::invalid_argument naming the bad entry: a startup error.
    explicit TrustedProxies(const std::vector<std::string>& entries);
    TrustedProxies() = default;

    bool is_trusted(std::string_view address) const;

    struct Client {
        std::string address;  // the client as far as we can trust the chain
        bool secure = false;  // TLS here, or X-Forwarded-Proto: https from a trusted proxy
        bool via_trusted_proxy = false;
    };
    // X-Forwarded-For is read right to left, skipping trusted proxies: the first untrusted hop is
    // the client (the left-most entries are whatever the client chose to send). Both headers are
    // every field of their name combined in order (http::Headers::combined); X-Forwarded-Proto is
    // its right-most value, the one the nearest proxy wrote.
    Client resolve(std::string_view peer, std::optional<std::string_view> forwarded_for,
                   std::optional<std::string_view> forwarded_proto, bool tls) const;

private:
    struct Block {
        std::array<std::uint8_t, 16> address{};  // IPv4 as IPv4-mapped IPv6
        unsigned prefix = 128;
    };
    std::vector<Block> blocks_;
};

}  // namespace caf::server
