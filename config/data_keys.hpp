// The two keys protecting personal data at rest (SPEC.md §10, DESIGN.md "Security shape"), read
// from a secret file outside the database and the TOML.
#pragma once

#include <filesystem>
#include <string>

namespace caf::config {

struct DataKeys {
    std::string encryption;  // 32 bytes: AES-256-GCM of NIR, contact data, civil status
    std::string lookup;      // 32 bytes: keyed HMAC lookups (NIR, provisional id, pivot)
};

// The file holds 128 hex characters (64 bytes) on its first line. With `generate_missing`, an
// absent file is created with fresh random keys (mode 0600): development only. Throws ConfigError
// naming the file and the reason.
DataKeys load_data_keys(const std::filesystem::path& file, bool generate_missing);

}  // namespace caf::config
