// Private signing keys: generation for each asymmetric algorithm and PKCS#8 PEM encoding.
#pragma once

#include "oidc/jose/algorithm.hpp"
#include "oidc/jose/openssl_handles.hpp"

#include <string>
#include <string_view>

namespace caf::oidc::keys {

// RSA 2048 for RS256/PS256, P-256 for ES256, Ed25519 for EdDSA. Throws key_store_error for
// HS256 (secrets are not generated here) or when OpenSSL fails.
jose::evp_pkey_ptr generate_private_key(jose::Algorithm alg);

// Unencrypted PKCS#8 PEM; the file's 0600 mode is the protection.
std::string private_key_to_pem(EVP_PKEY* key);
// nullptr when `pem` holds no private key. Never prompts for a passphrase.
jose::evp_pkey_ptr private_key_from_pem(std::string_view pem);

}  // namespace caf::oidc::keys
