// RAII owners for the OpenSSL objects the JOSE layer and the key store touch, so that no early
// return on an error path can leak a key, a context or a big number.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>

namespace caf::oidc::jose {

template <auto Free>
struct openssl_deleter {
    template <class T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};

using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<&EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, openssl_deleter<&EVP_PKEY_CTX_free>>;
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_deleter<&EVP_MD_CTX_free>>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<&BN_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<&BIO_free_all>>;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, openssl_deleter<&OSSL_PARAM_BLD_free>>;
using ossl_param_ptr = std::unique_ptr<OSSL_PARAM, openssl_deleter<&OSSL_PARAM_free>>;
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, openssl_deleter<&ECDSA_SIG_free>>;

// A key shared by many threads: OpenSSL 3 allows concurrent signing and verification with one
// EVP_PKEY as long as nobody modifies it, and nothing here does once it is built.
using shared_pkey = std::shared_ptr<EVP_PKEY>;

inline shared_pkey share(evp_pkey_ptr key) { return shared_pkey(std::move(key)); }

// The reason OpenSSL gives for the last failure on this thread (for startup error messages),
// and an empty queue afterwards so a later failure does not report a stale reason.
std::string take_openssl_error();

}  // namespace caf::oidc::jose
