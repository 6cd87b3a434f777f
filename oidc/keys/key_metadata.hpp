// The keys.json file: one entry per key (kid, alg, created_at, activates_at, retires_at), times
// as Unix seconds. The private keys themselves live in <kid>.pem next to it.
#pragma once

#include "oidc/keys/key_info.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace caf::oidc::keys {

// Throws key_store_error naming `file` when the document is not a valid key list.
std::vector<KeyInfo> parse_key_metadata(std::string_view text, const std::filesystem::path& file);
std::string serialise_key_metadata(const std::vector<KeyInfo>& keys);

// A kid is a base64url thumbprint: checking it keeps "../" out of the PEM file name.
bool is_valid_kid(std::string_view kid);

}  // namespace caf::oidc::keys
