// JWK sets fetched from upstream providers (FranceConnect, generic OIDC) and client JWKS:
// parsing, then JWK → JSON → JWK keeps the key (same thumbprint, same kid).
#include "fuzz_support.hpp"

using namespace caf::oidc::jose;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto set = JwkSet::parse(caf::fuzz::as_text(data, size));
    if (!set) return 0;
    for (const Jwk& key : set->keys()) {
        FUZZ_CHECK(key.public_key() != nullptr);
        auto again = Jwk::from_json(key.to_json());
        FUZZ_CHECK(again.has_value());
        FUZZ_CHECK(again->thumbprint() == key.thumbprint());
        FUZZ_CHECK(again->kid() == key.kid());
        FUZZ_CHECK(again->key_type() == key.key_type());
        for (Algorithm alg : {Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA, Algorithm::HS256}) {
            FUZZ_CHECK(static_cast<bool>(again->check_usable_for(alg)) == static_cast<bool>(key.check_usable_for(alg)));
            if (alg == Algorithm::HS256) FUZZ_CHECK(key.check_usable_for(alg));
        }
        // A JWK never carries private members out.
        const auto json = key.to_json();
        for (const char* member : {"d", "p", "q", "dp", "dq", "qi", "k"}) FUZZ_CHECK(!json.contains(member));
        FUZZ_CHECK(set->find(key.kid()) != nullptr);
    }
    auto reparsed = JwkSet::from_json(set->to_json());
    FUZZ_CHECK(reparsed.has_value());
    FUZZ_CHECK(reparsed->keys().size() == set->keys().size());
    return 0;
}
