// What every fuzz target shares: an invariant check that crashes loudly (libFuzzer then keeps the
// input), a split of the input into fields, and the fixed keys the JOSE targets sign and verify
// with — fixed so that the seed corpus can hold tokens that really verify.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/pem.h>

#include "oidc/jose/jwk.hpp"
#include "oidc/jose/jws.hpp"

#define FUZZ_CHECK(condition)                                                                  \
    do {                                                                                       \
        if (!(condition)) {                                                                    \
            std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #condition, __FILE__, __LINE__); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)

namespace caf::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// The input cut at each '\n' into at most `count` fields; the last one keeps the rest.
inline std::vector<std::string_view> fields(std::string_view text, std::size_t count) {
    std::vector<std::string_view> out;
    while (out.size() + 1 < count) {
        const auto newline = text.find('\n');
        if (newline == std::string_view::npos) break;
        out.push_back(text.substr(0, newline));
        text.remove_prefix(newline + 1);
    }
    out.push_back(text);
    out.resize(count);
    return out;
}

// A test key made for the fuzz corpus only (kid "fuzz-es256"); it signs nothing real.
inline constexpr std::string_view es256_private_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgqG1gFt1vUSrkZc3D\n"
    "ZXHBL61GTDmOvEODEynG++F8tS+hRANCAASpkFbAC3imf871enZq1AXlmQ73b6WV\n"
    "fKni9lfXdGFilO0GlrY7d2GVni2fptUa7X21uRedFWsfhVhRfT4RclWi\n"
    "-----END PRIVATE KEY-----\n";
inline constexpr std::string_view es256_kid = "fuzz-es256";
// HS256 (FranceConnect v1: the client secret); 32 bytes or more.
inline constexpr std::string_view hs256_secret = "fuzz-franceconnect-v1-client-secret-0123456789abcdef";

inline const oidc::jose::SigningKey& es256_signing_key() {
    static const oidc::jose::SigningKey key = [] {
        BIO* bio = BIO_new_mem_buf(es256_private_pem.data(), static_cast<int>(es256_private_pem.size()));
        EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        if (pkey == nullptr) std::abort();
        return oidc::jose::SigningKey{std::string(es256_kid), oidc::jose::shared_pkey(pkey, EVP_PKEY_free)};
    }();
    return key;
}

inline const oidc::jose::SigningKey& hs256_signing_key() {
    static const oidc::jose::SigningKey key{"", oidc::jose::Secret{std::string(hs256_secret)}};
    return key;
}

// The public half of the ES256 key, as a provider's JWKS would publish it.
inline const oidc::jose::JwkSet& es256_jwks() {
    static const oidc::jose::JwkSet keys = [] {
        const auto& pkey = std::get<oidc::jose::shared_pkey>(es256_signing_key().material);
        auto jwk = oidc::jose::Jwk::from_key(pkey.get());
        if (!jwk) std::abort();
        jwk->set_kid(std::string(es256_kid)).set_alg(oidc::jose::Algorithm::ES256).set_use("sig");
        return oidc::jose::JwkSet{{*jwk}};
    }();
    return keys;
}

}  // namespace caf::fuzz
