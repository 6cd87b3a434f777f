// Addresses are compared as 16 bytes (IPv4 mapped into IPv6) so one prefix test covers both
// families, including IPv4 peers seen on a dual-stack socket as ::ffff:a.b.c.d.
#include "server/trusted_proxies.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

namespace caf::server {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The address as 16 bytes, with the prefix length that a bare IPv4 address has in that space.
std::optional<std::array<std::uint8_t, 16>> parse_address(std::string_view text, bool& is_v4) {
    std::string copy(trim(text));
    // "[::1]" as some proxies write IPv6 in X-Forwarded-For.
    if (copy.size() > 2 && copy.front() == '[' && copy.back() == ']') copy = copy.substr(1, copy.size() - 2);
    std::array<std::uint8_t, 16> bytes{};
    in_addr v4{};
    if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
        bytes[10] = 0xff;
        bytes[11] = 0xff;
        std::memcpy(bytes.data() + 12, &v4, 4);
        is_v4 = true;
        return bytes;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
        std::memcpy(bytes.data(), &v6, 16);
        is_v4 = false;
        return bytes;
    }
    return std::nullopt;
}

bool in_block(const std::array<std::uint8_t, 16>& address, const std::array<std::uint8_t, 16>& block,
              unsigned prefix) {
    for (unsigned bit = 0; bit < prefix; bit += 8) {
        const unsigned bits = prefix - bit >= 8 ? 8 : prefix - bit;
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
        if ((address[bit / 8] & mask) != (block[bit / 8] & mask)) return false;
    }
    return true;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
    for (const auto& entry : entries) {
        std::string_view text = trim(entry);
        std::optional<unsigned> prefix;
        if (auto slash = text.find('/'); slash != std::string_view::npos) {
            const std::string digits(text.substr(slash + 1));
            if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos)
                throw std::invalid_argument("trusted proxy '" + entry + "': bad prefix length");
            prefix = static_cast<unsigned>(std::stoul(digits));
            text = text.substr(0, slash);
        }
        bool is_v4 = false;
        auto address = parse_address(text, is_v4);
        if (!address) throw std::invalid_argument("trusted proxy '" + entry + "': not an IP address");
        const unsigned max = is_v4 ? 32 : 128;
        if (prefix && *prefix > max)
            throw std::invalid_argument("trusted proxy '" + entry + "': prefix longer than the address");
        blocks_.push_back(Block{*address, (is_v4 ? 96 : 0) + prefix.value_or(max)});
    }
}

bool TrustedProxies::is_trusted(std::string_view address) const {
    bool is_v4 = false;
    auto bytes = parse_address(address, is_v4);
    if (!bytes) return false;
    for (const auto& block : blocks_) {
        if (in_block(*bytes, block.address, block.prefix)) return true;
    }
    return false;
}

TrustedProxies::Client TrustedProxies::resolve(std::string_view peer,
                                               std::optional<std::string_view> forwarded_for,
                                               std::optional<std::string_view> forwarded_proto,
                                               bool tls) const {
    Client client{std::string(peer), tls, false};
    if (!is_trusted(peer)) return client;
    client.via_trusted_proxy = true;
    if (forwarded_proto) {
        // The right-most value is the one the nearest proxy wrote; earlier ones may be the client's.
        const auto comma = forwarded_proto->rfind(',');
        const std::string_view proto =
            trim(comma == std::string_view::npos ? *forwarded_proto : forwarded_proto->substr(comma + 1));
        if (proto == "https") client.secure = true;
        else if (proto == "http") client.secure = tls;
    }
    if (forwarded_for) {
        std::string_view rest = *forwarded_for;
        while (!rest.empty()) {
            const auto comma = rest.rfind(',');
            const std::string_view hop = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
            bool is_v4 = false;
            if (!parse_address(hop, is_v4)) break;  // garbage: keep the last hop we could trust
            client.address = std::string(trim(hop));
            if (!is_trusted(hop)) break;
        }
    }
    return client;
}

}  // namespace caf::server
