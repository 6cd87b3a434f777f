// JWS compact serialisation (RFC 7515) with a fixed policy: the caller names the algorithms it
// accepts, "none" and "crit" are refused, the key must fit the algorithm (no HS256 keyed with an
// RSA public key), and the key comes from a resolver, never from the token itself (jwk, jku and
// x5u headers are ignored).
#pragma once

#include "core/expected.hpp"
#include "oidc/jose/algorithm.hpp"
#include "oidc/jose/errors.hpp"
#include "oidc/jose/jwk.hpp"
#include "oidc/jose/openssl_handles.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

namespace caf::oidc::jose {

// A shared HMAC secret (HS256; FranceConnect v1 signs with the client secret).
struct Secret {
    std::string bytes;
};

// What signs: a private key with its kid (empty: no kid header), or a secret.
struct SigningKey {
    std::string kid;
    std::variant<shared_pkey, Secret> material;
};

// What checks a signature: a public JWK, or a secret. The variant keeps the two apart so that a
// public key can never be used as an HMAC secret.
using VerificationKey = std::variant<Jwk, Secret>;

// Picks the key for a token. `kid` is the header's kid when it has one; `alg` has already passed
// the allow-list. Errors are jose_error values (unknown_kid lets a caller refetch a JWKS once).
class KeyResolver {
public:
    virtual ~KeyResolver() = default;
    virtual expected<VerificationKey, std::error_code> resolve(const std::optional<std::string>& kid,
                                                               Algorithm alg) const = 0;
};

// Keys from a JWK set. With a kid: the key with that kid that fits the alg. Without: the one key
// that fits the alg, or missing_kid when several do.
class JwkSetResolver final : public KeyResolver {
public:
    explicit JwkSetResolver(const JwkSet& keys) : keys_(keys) {}
    expected<VerificationKey, std::error_code> resolve(const std::optional<std::string>& kid,
                                                       Algorithm alg) const override;

private:
    const JwkSet& keys_;
};

// One shared secret, whatever the kid.
class SecretResolver final : public KeyResolver {
public:
    explicit SecretResolver(std::string secret) : secret_{std::move(secret)} {}
    expected<VerificationKey, std::error_code> resolve(const std::optional<std::string>& kid,
                                                       Algorithm alg) const override;

private:
    Secret secret_;
};

struct Verified {
    nlohmann::json header;
    std::string payload;
};

// `header_fields` (a JSON object, for instance {"typ":"JWT"}) gets "alg" and, when the key has
// one, "kid" set; the result is header.payload.signature.
expected<std::string, std::error_code> sign(nlohmann::json header_fields, std::string_view payload,
                                            const SigningKey& key, Algorithm alg);

expected<Verified, std::error_code> verify(std::string_view token, const KeyResolver& keys,
                                           const std::vector<Algorithm>& allowed);
expected<Verified, std::error_code> verify(std::string_view token, const JwkSet& keys,
                                           const std::vector<Algorithm>& allowed);

// The header, UNVERIFIED: only to decide where to look for keys (for instance the kid).
expected<nlohmann::json, std::error_code> read_unverified_header(std::string_view token);

}  // namespace caf::oidc::jose
