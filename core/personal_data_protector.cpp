// Lookup digests and sealing of personal data over core/crypto.
#include "core/personal_data_protector.hpp"

#include <stdexcept>
#include <utility>

#include "core/crypto.hpp"

namespace caf {

std::string_view to_string(PersonalDataKind kind) noexcept {
    switch (kind) {
        case PersonalDataKind::nir:
            return "nir";
        case PersonalDataKind::provisional_id:
            return "provisional_id";
        case PersonalDataKind::email:
            return "email";
        case PersonalDataKind::phone:
            return "phone";
        case PersonalDataKind::civil_status:
            return "civil_status";
        case PersonalDataKind::postal_address:
            return "postal_address";
    }
    return "unknown";
}

PersonalDataProtector::PersonalDataProtector(std::string data_key, std::string lookup_key)
    : data_key_(std::move(data_key)), lookup_key_(std::move(lookup_key)) {
    if (data_key_.size() != key_size || lookup_key_.size() != key_size) {
        throw std::invalid_argument("personal data keys must be 32 bytes each");
    }
    // One key for two jobs would let a lookup digest stand in for an encryption key's output.
    if (crypto::constant_time_equal(data_key_, lookup_key_)) {
        throw std::invalid_argument("personal data: the data key and the lookup key must differ");
    }
    // HMAC as the key derivation (one HKDF-Expand block): one secret file, a key per purpose.
    browser_key_ = crypto::hmac_sha256(data_key_, "caf-connect personal data sealed for the browser v1");
}

std::string PersonalDataProtector::lookup(PersonalDataKind kind,
                                          std::string_view canonical_value) const {
    std::string message{to_string(kind)};
    message += ':';
    message += canonical_value;
    return crypto::hex_encode(crypto::hmac_sha256(lookup_key_, message));
}

std::string PersonalDataProtector::seal(PersonalDataKind kind, std::string_view value) const {
    return crypto::aes256gcm_seal(data_key_, value, to_string(kind));
}

std::optional<std::string> PersonalDataProtector::open(PersonalDataKind kind,
                                                       std::string_view sealed) const {
    return crypto::aes256gcm_open(data_key_, sealed, to_string(kind));
}

namespace {
std::string browser_associated_data(PersonalDataKind kind) { return "browser:" + std::string(to_string(kind)); }
}  // namespace

std::string PersonalDataProtector::seal_for_browser(PersonalDataKind kind, std::string_view value) const {
    return crypto::aes256gcm_seal(browser_key_, value, browser_associated_data(kind));
}

std::optional<std::string> PersonalDataProtector::open_from_browser(PersonalDataKind kind,
                                                                    std::string_view sealed) const {
    return crypto::aes256gcm_open(browser_key_, sealed, browser_associated_data(kind));
}

}  // namespace caf
