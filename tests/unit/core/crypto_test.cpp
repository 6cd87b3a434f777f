// Digests, encodings and AES-GCM against published vectors and their failure modes.
#include "core/crypto.hpp"

#include <gtest/gtest.h>

using namespace caf::crypto;

TEST(Crypto, Sha256OfAbcMatchesFips180Vector) {
    EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
    EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64UrlHasNoPaddingAndRoundTrips) {
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64url_decode("-_8").value(), "\xfb\xff");
    EXPECT_EQ(base64_encode("ab"), "YWI=");
    EXPECT_EQ(base64_decode("YWI=").value(), "ab");
}

TEST(Crypto, Base64UrlRefusesForeignCharactersAndNonCanonicalBits) {
    EXPECT_FALSE(base64url_decode("ab+/").has_value());
    EXPECT_FALSE(base64url_decode("a").has_value());
    EXPECT_FALSE(base64url_decode("YR").has_value());  // "a" is "YQ"; "YR" sets leftover bits
}

TEST(Crypto, HexRoundTripAndRefusal) {
    EXPECT_EQ(hex_decode("00ff10").value(), std::string("\x00\xff\x10", 3));
    EXPECT_FALSE(hex_decode("0g").has_value());
    EXPECT_FALSE(hex_decode("abc").has_value());
}

TEST(Crypto, ConstantTimeEqualComparesContentAndLength) {
    EXPECT_TRUE(constant_time_equal("secret", "secret"));
    EXPECT_FALSE(constant_time_equal("secret", "secreT"));
    EXPECT_FALSE(constant_time_equal("secret", "secret2"));
}

TEST(Crypto, AesGcmOpensWhatItSealsAndNothingElse) {
    std::string key(32, 'k');
    auto sealed = aes256gcm_seal(key, "1 63 06 31 555 082", "nir");
    EXPECT_NE(sealed.find("1 63"), 0u);
    EXPECT_EQ(aes256gcm_open(key, sealed, "nir").value(), "1 63 06 31 555 082");
    EXPECT_FALSE(aes256gcm_open(key, sealed, "email").has_value());
    EXPECT_FALSE(aes256gcm_open(std::string(32, 'x'), sealed, "nir").has_value());
    auto tampered = sealed;
    tampered[14] ^= 1;
    EXPECT_FALSE(aes256gcm_open(key, tampered, "nir").has_value());
    EXPECT_NE(aes256gcm_seal(key, "same", "nir"), aes256gcm_seal(key, "same", "nir"));  // fresh nonce
}
