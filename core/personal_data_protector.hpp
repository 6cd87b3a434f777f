// Personal data at rest (DESIGN.md "Security shape"): NIR, identifiers and contact data are
// found by a keyed HMAC and stored encrypted with AES-256-GCM, keys kept outside the database.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace caf {

// What a value is. It keys the lookup digest and is the ciphertext's associated data, so a
// sealed e-mail cannot be passed off as a NIR, and equal values of different kinds never share
// a lookup digest.
enum class PersonalDataKind { nir, provisional_id, email, phone, civil_status, postal_address };

std::string_view to_string(PersonalDataKind kind) noexcept;

class PersonalDataProtector {
public:
    inline static constexpr std::size_t key_size = 32;

    // Both keys 32 raw bytes and distinct; throws std::invalid_argument otherwise (a startup
    // error: the key file is wrong).
    PersonalDataProtector(std::string data_key, std::string lookup_key);

    // HMAC-SHA256(lookup key, kind ":" value) as 64 lower-case hex characters: the store's
    // unique lookup column. The caller passes the canonical form (Nir::canonical(), a
    // lower-cased e-mail...), so equal values give equal digests.
    std::string lookup(PersonalDataKind kind, std::string_view canonical_value) const;

    // AES-256-GCM, nonce(12) || ciphertext || tag(16), raw bytes for a BLOB column.
    std::string seal(PersonalDataKind kind, std::string_view value) const;
    // nullopt when the data was tampered with, sealed under another key or another kind.
    std::optional<std::string> open(PersonalDataKind kind, std::string_view sealed) const;

    // The same for a value handed to the browser (the "Se souvenir de moi" cookie), under a key
    // derived from the data key for that purpose alone: a sealed column of a database dump
    // replayed as a cookie does not open, so the server never decrypts it for whoever holds it.
    std::string seal_for_browser(PersonalDataKind kind, std::string_view value) const;
    std::optional<std::string> open_from_browser(PersonalDataKind kind, std::string_view sealed) const;

private:
    std::string data_key_;
    std::string lookup_key_;
    std::string browser_key_;
};

}  // namespace caf
