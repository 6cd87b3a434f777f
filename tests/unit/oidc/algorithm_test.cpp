// Algorithm names: the five we support parse, nothing else does.
#include "oidc/jose/algorithm.hpp"

#include <gtest/gtest.h>

namespace caf::oidc::jose {
namespace {

TEST(Algorithm, EverySupportedNameRoundTrips) {
    for (auto alg : {Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA, Algorithm::HS256})
        EXPECT_EQ(parse_algorithm(to_string(alg)), alg);
}

TEST(Algorithm, NoneAndUnknownNamesAreNeverAlgorithms) {
    for (const char* name : {"none", "None", "NONE", "", "rs256", "HS512", "RS384", "ES256K", "Ed25519", "RS256 "})
        EXPECT_FALSE(parse_algorithm(name).has_value()) << name;
}

}  // namespace
}  // namespace caf::oidc::jose
