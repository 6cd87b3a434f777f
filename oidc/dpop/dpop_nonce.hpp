// Server-provided DPoP nonces (RFC 9449 §8) without state: a nonce is an HMAC of the current time
// period under a key derived from a server secret, so every node issues and accepts the same ones,
// and they rotate by themselves. A nonce stays valid for the period it was issued in and the next.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace caf::oidc::dpop {

inline constexpr std::chrono::seconds nonce_period{300};

// The nonce key from a server secret: a secret of its own, so a nonce reveals nothing of it.
std::string nonce_key(std::string_view server_secret);

// The nonce to hand out at `now`.
std::string current_nonce(std::string_view key, TimePoint now);

// Whether `nonce` was issued in the current or the previous period (constant-time comparison).
bool is_valid_nonce(std::string_view key, std::string_view nonce, TimePoint now);

}  // namespace caf::oidc::dpop
