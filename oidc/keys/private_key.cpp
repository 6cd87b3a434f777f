// Key generation with EVP_PKEY_Q_keygen and PEM through memory BIOs.
#include "oidc/keys/private_key.hpp"

#include "oidc/keys/key_info.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace caf::oidc::keys {
namespace {

constexpr std::size_t rsa_bits = 2048;

// Returning 0 tells OpenSSL there is no passphrase, rather than letting it prompt on a
// terminal that a server does not have.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

jose::evp_pkey_ptr generate_private_key(jose::Algorithm alg) {
    EVP_PKEY* key = nullptr;
    switch (alg) {
        case jose::Algorithm::RS256:
        case jose::Algorithm::PS256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", rsa_bits); break;
        case jose::Algorithm::ES256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
        case jose::Algorithm::EdDSA: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
        case jose::Algorithm::HS256:
            throw key_store_error("HS256 uses a shared secret, not a generated signing key");
    }
    if (key == nullptr)
        throw key_store_error("generating a " + std::string(jose::to_string(alg)) +
                              " key failed: " + jose::take_openssl_error());
    return jose::evp_pkey_ptr{key};
}

std::string private_key_to_pem(EVP_PKEY* key) {
    jose::bio_ptr bio{BIO_new(BIO_s_mem())};
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw key_store_error("encoding a private key as PEM failed: " + jose::take_openssl_error());
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    std::string pem(data, static_cast<std::size_t>(length));
    // The BIO's buffer held the key in clear; wipe it before it goes back to the allocator.
    OPENSSL_cleanse(data, static_cast<std::size_t>(length));
    return pem;
}

jose::evp_pkey_ptr private_key_from_pem(std::string_view pem) {
    jose::bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
    if (!bio) return nullptr;
    jose::evp_pkey_ptr key{PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, no_passphrase, nullptr, nullptr, nullptr)};
    if (!key) ERR_clear_error();
    return key;
}

}  // namespace caf::oidc::keys
