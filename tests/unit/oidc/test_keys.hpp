// Shared fixtures for the oidc tests: fresh keys per algorithm and a temporary directory.
#pragma once

#include "oidc/jose/jwk.hpp"
#include "oidc/jose/jws.hpp"
#include "oidc/keys/private_key.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace caf::oidc::test {

// 32+ bytes: HS256 refuses shorter secrets.
inline const std::string hs256_secret = "a-franceconnect-v1-client-secret-of-64-hex-chars-0123456789abcde";

inline jose::SigningKey signing_key_for(jose::Algorithm alg, std::string kid = "test-key") {
    if (alg == jose::Algorithm::HS256) return {std::move(kid), jose::Secret{hs256_secret}};
    return {std::move(kid), jose::share(keys::generate_private_key(alg))};
}

// The public JWK of a signing key, with the same kid.
inline jose::Jwk public_jwk_of(const jose::SigningKey& key) {
    auto jwk = jose::Jwk::from_key(std::get<jose::shared_pkey>(key.material).get());
    EXPECT_TRUE(jwk.has_value());
    jwk->set_kid(key.kid);
    return *jwk;
}

class TemporaryDirectory {
public:
    TemporaryDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "caf-oidc-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TemporaryDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace caf::oidc::test
