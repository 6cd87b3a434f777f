// Lookup digests and sealing of personal data.
#include "core/personal_data_protector.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace caf {
namespace {

const std::string data_key(32, 'd');
const std::string lookup_key(32, 'l');

TEST(PersonalDataProtector, SealedValueOpensBack) {
    const PersonalDataProtector protector{data_key, lookup_key};
    const std::string sealed = protector.seal(PersonalDataKind::nir, "2850575123456");
    EXPECT_EQ(sealed.find("2850575123456"), std::string::npos);
    EXPECT_EQ(protector.open(PersonalDataKind::nir, sealed), "2850575123456");
}

TEST(PersonalDataProtector, SealingTwiceGivesDifferentCiphertexts) {
    const PersonalDataProtector protector{data_key, lookup_key};
    EXPECT_NE(protector.seal(PersonalDataKind::email, "a@b.fr"),
              protector.seal(PersonalDataKind::email, "a@b.fr"));
}

TEST(PersonalDataProtector, WrongKindFailsToOpen) {
    const PersonalDataProtector protector{data_key, lookup_key};
    const std::string sealed = protector.seal(PersonalDataKind::email, "jean.dupont@example.fr");
    EXPECT_FALSE(protector.open(PersonalDataKind::phone, sealed));
    EXPECT_FALSE(protector.open(PersonalDataKind::nir, sealed));
}

TEST(PersonalDataProtector, TamperedOrForeignCiphertextFailsToOpen) {
    const PersonalDataProtector protector{data_key, lookup_key};
    std::string sealed = protector.seal(PersonalDataKind::phone, "0612345678");
    sealed[sealed.size() / 2] ^= 1;
    EXPECT_FALSE(protector.open(PersonalDataKind::phone, sealed));
    EXPECT_FALSE(protector.open(PersonalDataKind::phone, ""));

    const PersonalDataProtector other{std::string(32, 'e'), lookup_key};
    EXPECT_FALSE(other.open(PersonalDataKind::phone, protector.seal(PersonalDataKind::phone, "06")));
}

TEST(PersonalDataProtector, LookupIsStableHexAndKeyed) {
    const PersonalDataProtector protector{data_key, lookup_key};
    const std::string digest = protector.lookup(PersonalDataKind::nir, "2850575123456");
    EXPECT_EQ(digest.size(), 64u);
    EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(digest, protector.lookup(PersonalDataKind::nir, "2850575123456"));
    EXPECT_NE(digest, protector.lookup(PersonalDataKind::nir, "2850575123457"));

    const PersonalDataProtector other{data_key, std::string(32, 'm')};
    EXPECT_NE(digest, other.lookup(PersonalDataKind::nir, "2850575123456"));
}

TEST(PersonalDataProtector, SameValueOfDifferentKindsHasDifferentLookups) {
    const PersonalDataProtector protector{data_key, lookup_key};
    EXPECT_NE(protector.lookup(PersonalDataKind::nir, "P33392250"),
              protector.lookup(PersonalDataKind::provisional_id, "P33392250"));
}

TEST(PersonalDataProtector, KeysMustBeThirtyTwoBytesAndDistinct) {
    EXPECT_THROW((PersonalDataProtector{std::string(31, 'd'), lookup_key}), std::invalid_argument);
    EXPECT_THROW((PersonalDataProtector{data_key, std::string(33, 'l')}), std::invalid_argument);
    EXPECT_THROW((PersonalDataProtector{data_key, data_key}), std::invalid_argument);
}

}  // namespace
}  // namespace caf
