// Digests, MACs, encodings and constant-time comparison shared by every module (OpenSSL EVP).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace caf::crypto {

// Raw binary digests (32 bytes) as std::string.
std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);

// Constant-time comparison of two secrets; different lengths compare unequal.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view text);
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_encode(std::string_view data);
std::optional<std::string> hex_decode(std::string_view text);

// AES-256-GCM with a 32-byte key: output is nonce(12) || ciphertext || tag(16). Used for personal
// data at rest (NIR, contact data). `associated` binds the ciphertext to its column/row.
std::string aes256gcm_seal(std::string_view key, std::string_view plaintext,
                           std::string_view associated = {});
std::optional<std::string> aes256gcm_open(std::string_view key, std::string_view sealed,
                                          std::string_view associated = {});

}  // namespace caf::crypto
