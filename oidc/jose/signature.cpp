// EVP one-shot DigestSign/DigestVerify for RS256, PS256, ES256 and EdDSA.
#include "oidc/jose/signature.hpp"

#include "oidc/jose/errors.hpp"

#include <openssl/err.h>
#include <openssl/rsa.h>

namespace caf::oidc::jose {
namespace {

constexpr std::size_t p256_coordinate_size = 32;
constexpr std::size_t ed25519_signature_size = 64;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// RS256 is PKCS#1 v1.5; PS256 is PSS with MGF1-SHA-256 and a salt the size of the digest,
// which RFC 7518 §3.5 fixes — so verification insists on exactly that salt length too.
bool configure_padding(Algorithm alg, EVP_PKEY_CTX* pctx) {
    if (alg == Algorithm::RS256) return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
    if (alg == Algorithm::PS256)
        return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
               EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
               EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", nullptr) > 0;
    return true;
}

// Ed25519 hashes internally and takes no digest.
const char* digest_name(Algorithm alg) { return alg == Algorithm::EdDSA ? nullptr : "SHA256"; }

}  // namespace

std::optional<std::string> ecdsa_der_to_raw(std::string_view der, std::size_t coordinate_size) {
    const unsigned char* p = bytes(der);
    ecdsa_sig_ptr sig{d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()))};
    if (!sig || p != bytes(der) + der.size()) return std::nullopt;
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string raw(2 * coordinate_size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    const int size = static_cast<int>(coordinate_size);
    if (BN_bn2binpad(r, out, size) != size || BN_bn2binpad(s, out + coordinate_size, size) != size)
        return std::nullopt;
    return raw;
}

std::optional<std::string> ecdsa_raw_to_der(std::string_view raw) {
    if (raw.empty() || raw.size() % 2 != 0) return std::nullopt;
    const int half = static_cast<int>(raw.size() / 2);
    bignum_ptr r{BN_bin2bn(bytes(raw), half, nullptr)};
    bignum_ptr s{BN_bin2bn(bytes(raw) + half, half, nullptr)};
    ecdsa_sig_ptr sig{ECDSA_SIG_new()};
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
    r.release();  // owned by sig now
    s.release();
    int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (length <= 0) return std::nullopt;
    std::string der(static_cast<std::size_t>(length), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &out) != length) return std::nullopt;
    return der;
}

expected<std::string, std::error_code> sign_with_key(Algorithm alg, EVP_PKEY* key, std::string_view input) {
    evp_md_ctx_ptr ctx{EVP_MD_CTX_new()};
    EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, digest_name(alg), nullptr, nullptr, key, nullptr) != 1 ||
        !configure_padding(alg, pctx) || EVP_DigestSign(ctx.get(), nullptr, &length, bytes(input), input.size()) != 1) {
        ERR_clear_error();
        return unexpected{make_error_code(jose_error::signing_failed)};
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes(input),
                       input.size()) != 1) {
        ERR_clear_error();
        return unexpected{make_error_code(jose_error::signing_failed)};
    }
    signature.resize(length);
    if (alg == Algorithm::ES256) {
        auto raw = ecdsa_der_to_raw(signature, p256_coordinate_size);
        if (!raw) return unexpected{make_error_code(jose_error::signing_failed)};
        return std::move(*raw);
    }
    return signature;
}

bool verify_with_key(Algorithm alg, EVP_PKEY* key, std::string_view input, std::string_view signature) {
    std::string der;
    if (alg == Algorithm::ES256) {
        // Only the exact R||S size is accepted; a DER signature or a short one is malformed.
        if (signature.size() != 2 * p256_coordinate_size) return false;
        auto converted = ecdsa_raw_to_der(signature);
        if (!converted) return false;
        der = std::move(*converted);
        signature = der;
    } else if (alg == Algorithm::EdDSA && signature.size() != ed25519_signature_size) {
        return false;
    }
    evp_md_ctx_ptr ctx{EVP_MD_CTX_new()};
    EVP_PKEY_CTX* pctx = nullptr;
    bool ok = ctx &&
              EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest_name(alg), nullptr, nullptr, key, nullptr) == 1 &&
              configure_padding(alg, pctx) &&
              EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(input), input.size()) == 1;
    // A failed verification leaves reasons on the thread's queue; they are not news here.
    if (!ok) ERR_clear_error();
    return ok;
}

}  // namespace caf::oidc::jose
