// The raw signature primitives under JWS: sign or check a signing input with one algorithm and
// one key, in the byte formats RFC 7518 prescribes (ES256 is R||S, 64 bytes, not DER).
#pragma once

#include "core/expected.hpp"
#include "oidc/jose/algorithm.hpp"
#include "oidc/jose/openssl_handles.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace caf::oidc::jose {

// Asymmetric algorithms only; the key must already have passed check_key_for_algorithm.
expected<std::string, std::error_code> sign_with_key(Algorithm alg, EVP_PKEY* key, std::string_view input);
bool verify_with_key(Algorithm alg, EVP_PKEY* key, std::string_view input, std::string_view signature);

// ES256 format conversion (RFC 7518 §3.4): DER ECDSA-Sig-Value <-> fixed-size R||S.
std::optional<std::string> ecdsa_der_to_raw(std::string_view der, std::size_t coordinate_size);
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw);

}  // namespace caf::oidc::jose
