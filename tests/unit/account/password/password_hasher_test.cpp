// Argon2id hashing: round trip, PHC format, rehash, malformed strings, interoperability.
#include "account/password/password_hasher.hpp"

#include <argon2.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "fake_random.hpp"

namespace caf::account {
namespace {

// Small parameters keep the suite fast; the production defaults are tested once.
constexpr Argon2Params fast{1024, 1, 1, 16, 32};

class PasswordHasherTest : public ::testing::Test {
protected:
    test::FakeRandom random_;
    PasswordHasher hasher_{fast, random_};
};

TEST_F(PasswordHasherTest, RightPasswordVerifies) {
    const std::string phc = hasher_.hash("Abcdefgh12");
    EXPECT_TRUE(hasher_.verify("Abcdefgh12", phc));
}

TEST_F(PasswordHasherTest, WrongPasswordDoesNotVerify) {
    const std::string phc = hasher_.hash("Abcdefgh12");
    EXPECT_FALSE(hasher_.verify("Abcdefgh13", phc));
    EXPECT_FALSE(hasher_.verify("", phc));
}

TEST_F(PasswordHasherTest, OutputIsAnArgon2idPhcString) {
    const std::string phc = hasher_.hash("Abcdefgh12");
    EXPECT_EQ(phc.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0u) << phc;
    // 16-byte salt and 32-byte hash in unpadded base64: 22 and 43 characters.
    const auto salt_start = phc.find('$', 1 + phc.find("p=1"));
    const auto hash_start = phc.find('$', salt_start + 1);
    EXPECT_EQ(hash_start - salt_start - 1, 22u);
    EXPECT_EQ(phc.size() - hash_start - 1, 43u);
}

TEST_F(PasswordHasherTest, SaltIsFreshForEveryPassword) {
    EXPECT_NE(hasher_.hash("Abcdefgh12"), hasher_.hash("Abcdefgh12"));
}

TEST_F(PasswordHasherTest, LibArgon2VerifiesOurHashes) {
    const std::string phc = hasher_.hash("Abcdefgh12");
    EXPECT_EQ(argon2id_verify(phc.c_str(), "Abcdefgh12", 10), ARGON2_OK);
}

TEST_F(PasswordHasherTest, WeVerifyLibArgon2Hashes) {
    const std::string salt = "0123456789abcdef";
    char encoded[256];
    ASSERT_EQ(argon2id_hash_encoded(1, 1024, 1, "12345678", 8, salt.data(), salt.size(), 32,
                                    encoded, sizeof encoded),
              ARGON2_OK);
    EXPECT_TRUE(hasher_.verify("12345678", encoded));
    EXPECT_FALSE(hasher_.verify("12345679", encoded));
}

TEST_F(PasswordHasherTest, HashWithTheCurrentParametersNeedsNoRehash) {
    EXPECT_FALSE(hasher_.needs_rehash(hasher_.hash("Abcdefgh12")));
}

TEST_F(PasswordHasherTest, ChangedParametersNeedRehash) {
    const std::string phc = hasher_.hash("Abcdefgh12");
    EXPECT_TRUE(needs_rehash(phc, Argon2Params{2048, 1, 1, 16, 32}));
    EXPECT_TRUE(needs_rehash(phc, Argon2Params{1024, 2, 1, 16, 32}));
    EXPECT_TRUE(needs_rehash(phc, Argon2Params{1024, 1, 2, 16, 32}));
    EXPECT_TRUE(needs_rehash(phc, Argon2Params{1024, 1, 1, 32, 32}));
    EXPECT_TRUE(needs_rehash(phc, Argon2Params{1024, 1, 1, 16, 64}));
}

TEST_F(PasswordHasherTest, OldParametersStillVerify) {
    const std::string old_phc = hasher_.hash("Abcdefgh12");
    PasswordHasher stronger{Argon2Params{2048, 2, 1, 16, 32}, random_};
    EXPECT_TRUE(stronger.verify("Abcdefgh12", old_phc));
    EXPECT_TRUE(stronger.needs_rehash(old_phc));
}

TEST_F(PasswordHasherTest, MalformedPhcIsFalseNotACrash) {
    const std::string good = hasher_.hash("Abcdefgh12");
    const std::string salt_and_hash = good.substr(good.find("$", 1 + good.find("p=1")));
    for (const std::string& bad : {
             std::string{},
             std::string{"$"},
             std::string{"not a hash"},
             std::string{"$argon2i$v=19$m=1024,t=1,p=1"} + salt_and_hash,
             std::string{"$argon2d$v=19$m=1024,t=1,p=1"} + salt_and_hash,
             std::string{"$argon2id$v=16$m=1024,t=1,p=1"} + salt_and_hash,
             std::string{"$argon2id$m=1024,t=1,p=1"} + salt_and_hash,
             std::string{"$argon2id$v=19$m=1024,t=1"} + salt_and_hash,
             std::string{"$argon2id$v=19$m=-1,t=1,p=1"} + salt_and_hash,
             std::string{"$argon2id$v=19$m=99999999999,t=1,p=1"} + salt_and_hash,
             std::string{"$argon2id$v=19$m=4194304,t=1,p=1"} + salt_and_hash,  // 4 GiB
             std::string{"$argon2id$v=19$m=1024,t=0,p=1"} + salt_and_hash,
             std::string{"$argon2id$v=19$m=1024,t=1,p=0"} + salt_and_hash,
             std::string{"$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA"},  // too short
             std::string{"$argon2id$v=19$m=1024,t=1,p=1$!!!!!!!!!!!!!!!!!!!!!!"
                         "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
             good.substr(0, good.size() - 1),
             good + "A",
             good + "$",
             good.substr(0, good.rfind('$')),
         }) {
        EXPECT_FALSE(hasher_.verify("Abcdefgh12", bad)) << bad;
        EXPECT_TRUE(hasher_.needs_rehash(bad)) << bad;
    }
}

TEST_F(PasswordHasherTest, DummyVerifyIsAlwaysFalse) {
    EXPECT_FALSE(hasher_.dummy_verify("Abcdefgh12"));
}

TEST(PasswordHasher, DefaultsAreTheOwaspFloor) {
    const Argon2Params defaults;
    EXPECT_EQ(defaults.memory_kib, 19456u);
    EXPECT_EQ(defaults.iterations, 2u);
    EXPECT_EQ(defaults.parallelism, 1u);
    test::FakeRandom random;
    PasswordHasher hasher{defaults, random};
    const std::string phc = hasher.hash("Abcdefgh12");
    EXPECT_EQ(phc.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u);
    EXPECT_TRUE(hasher.verify("Abcdefgh12", phc));
}

TEST(PasswordHasher, UnusableParametersAreAStartupError) {
    test::FakeRandom random;
    EXPECT_THROW((PasswordHasher{Argon2Params{4, 1, 1, 16, 32}, random}), std::invalid_argument);
    EXPECT_THROW((PasswordHasher{Argon2Params{1024, 0, 1, 16, 32}, random}),
                 std::invalid_argument);
    EXPECT_THROW((PasswordHasher{Argon2Params{1024, 1, 1, 4, 32}, random}), std::invalid_argument);
}

}  // namespace
}  // namespace caf::account
