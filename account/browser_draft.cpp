// Key derivations and AES-GCM sealing of browser-bound drafts.
#include "account/browser_draft.hpp"

#include "core/crypto.hpp"
#include "core/login_contract.hpp"

namespace caf::account {

std::string BrowserDraftKind::storage_key(std::string_view id) const { return kind_ + ":" + login::digest(id); }

std::string BrowserDraftKind::seal(std::string_view id, const nlohmann::json& payload) const {
    return crypto::aes256gcm_seal(crypto::hmac_sha256(id, label_ + " payload"), payload.dump(), label_ + " v1");
}

std::optional<nlohmann::json> BrowserDraftKind::open(std::string_view id, std::string_view sealed) const {
    auto plain = crypto::aes256gcm_open(crypto::hmac_sha256(id, label_ + " payload"), sealed, label_ + " v1");
    if (!plain) return std::nullopt;
    auto j = nlohmann::json::parse(*plain, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

}  // namespace caf::account
