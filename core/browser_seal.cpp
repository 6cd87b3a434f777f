// Key derivations and AES-GCM sealing of browser-bound states.
#include "core/browser_seal.hpp"

#include "core/crypto.hpp"
#include "core/login_contract.hpp"

namespace caf::browser_seal {
namespace {

std::string payload_key(std::string_view label, std::string_view id) {
    return crypto::hmac_sha256(id, std::string(label) + " payload");
}

}  // namespace

std::string storage_key(std::string_view name, std::string_view id) {
    return std::string(name) + ":" + login::digest(id);
}

std::string seal(std::string_view label, std::string_view id, const nlohmann::json& payload) {
    return crypto::aes256gcm_seal(payload_key(label, id), payload.dump(), std::string(label) + " v1");
}

std::optional<nlohmann::json> open(std::string_view label, std::string_view id, std::string_view sealed) {
    auto plain = crypto::aes256gcm_open(payload_key(label, id), sealed, std::string(label) + " v1");
    if (!plain) return std::nullopt;
    auto j = nlohmann::json::parse(*plain, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

}  // namespace caf::browser_seal
