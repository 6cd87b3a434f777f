// Public JSON Web Keys (RFC 7517) for RSA, EC P-256 and Ed25519, their RFC 7638 thumbprints, and
// JWK sets. A Jwk only ever holds public material: building one from a private key keeps the
// public half, so a private key can never be serialised into a JWKS by mistake.
#pragma once

#include "core/expected.hpp"
#include "oidc/jose/algorithm.hpp"
#include "oidc/jose/errors.hpp"
#include "oidc/jose/openssl_handles.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace caf::oidc::jose {

enum class KeyType { RSA, EC, OKP };

// Whether `key` (public or private) may produce or check signatures with `alg`: the key type,
// the curve (P-256 for ES256, Ed25519 for EdDSA) and the RSA size (at least 2048 bits).
std::error_code check_key_for_algorithm(EVP_PKEY* key, Algorithm alg);

class Jwk {
public:
    // Parses a public JWK; private members ("d", "p", ...) are ignored, "oct" keys are refused.
    static expected<Jwk, std::error_code> from_json(const nlohmann::json& json);
    // The public half of `key`, which may hold a private key.
    static expected<Jwk, std::error_code> from_key(EVP_PKEY* key);

    // Required public members plus kid, alg and use when set.
    nlohmann::json to_json() const;
    // RFC 7638: base64url(SHA-256(required members, sorted, no whitespace)).
    std::string thumbprint() const;

    KeyType key_type() const noexcept { return type_; }
    const std::string& kid() const noexcept { return kid_; }
    const std::optional<std::string>& alg() const noexcept { return alg_; }
    const std::string& use() const noexcept { return use_; }
    Jwk& set_kid(std::string kid) { kid_ = std::move(kid); return *this; }
    Jwk& set_alg(Algorithm alg) { alg_ = std::string(to_string(alg)); return *this; }
    Jwk& set_use(std::string use) { use_ = std::move(use); return *this; }

    EVP_PKEY* public_key() const noexcept { return key_.get(); }
    const shared_pkey& shared_public_key() const noexcept { return key_; }

    // Whether this key may check a signature made with `alg`: key type and size, and the
    // declared "alg" and "use" when the JWK carries them.
    std::error_code check_usable_for(Algorithm alg) const;

private:
    Jwk() = default;

    KeyType type_ = KeyType::RSA;
    nlohmann::json members_;  // exactly the RFC 7638 required members
    shared_pkey key_;
    std::string kid_;
    std::optional<std::string> alg_;  // kept as written: a JWKS may declare algs we do not use
    std::string use_;
};

class JwkSet {
public:
    JwkSet() = default;
    explicit JwkSet(std::vector<Jwk> keys) : keys_(std::move(keys)) {}

    // A provider's JWKS may publish keys we cannot use (another curve, an encryption key, a
    // symmetric key): those are skipped, not fatal. A document without a "keys" array is.
    static expected<JwkSet, std::error_code> from_json(const nlohmann::json& json);
    static expected<JwkSet, std::error_code> parse(std::string_view text);

    // First key with this kid, or nullptr.
    const Jwk* find(std::string_view kid) const noexcept;
    const std::vector<Jwk>& keys() const noexcept { return keys_; }
    void add(Jwk key) { keys_.push_back(std::move(key)); }
    bool empty() const noexcept { return keys_.empty(); }

    nlohmann::json to_json() const;

private:
    std::vector<Jwk> keys_;
};

}  // namespace caf::oidc::jose
