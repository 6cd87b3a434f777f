// DPoP proofs from the network (the DPoP header at /token, /par, /userinfo, /introspect): every
// check of check_proof on arbitrary bytes, htu normalisation, and proofs signed here over an
// arbitrary jti accepted for their own request only.
#include <chrono>
#include <cstdlib>

#include "core/crypto.hpp"
#include "fuzz_support.hpp"
#include "oidc/dpop/dpop_proof.hpp"

using namespace caf;
using namespace caf::oidc;

namespace {

constexpr std::string_view endpoint = "https://connect.caf.test/token";
const TimePoint now{std::chrono::seconds{1'700'000'000}};

dpop::ProofExpectations expect(std::string_view method, std::string_view url = endpoint,
                               std::optional<std::string_view> access_token = std::nullopt) {
    return {method, url, access_token, now, dpop::proof_window};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);

    if (auto proof = dpop::check_proof(text, expect("POST"))) {
        FUZZ_CHECK(proof->jkt.size() == 43);
        FUZZ_CHECK(!proof->jti.empty());
        FUZZ_CHECK(proof->htu == endpoint);
        FUZZ_CHECK(std::llabs(proof->iat - 1'700'000'000) <= dpop::proof_window.count());
        // Bound to its request: not a proof for another method or endpoint.
        FUZZ_CHECK(!dpop::check_proof(text, expect("GET")));
        FUZZ_CHECK(!dpop::check_proof(text, expect("POST", "https://connect.caf.test/userinfo")));
    }
    (void)dpop::check_proof(text, expect("GET", "https://connect.caf.test/userinfo", "an-access-token"));

    if (auto htu = dpop::normalise_htu(text)) FUZZ_CHECK(dpop::normalise_htu(*htu) == htu);

    // A proof signed with the fuzz key and the input as its jti: accepted here, and at a resource
    // only with the hash of the access token it was made for. One input in eight (ES256 signing
    // costs a hundred times the parsing).
    if (size <= 1024 && size % 8 == 0) {
        const std::string jti = "j" + crypto::hex_encode(text);  // a jti is never empty
        nlohmann::json header{{"typ", "dpop+jwt"}, {"jwk", fuzz::es256_jwks().keys().front().to_json()}};
        header["jwk"].erase("kid");
        nlohmann::json claims{{"jti", jti}, {"htm", "POST"}, {"htu", endpoint}, {"iat", 1'700'000'000}};
        auto signed_proof = jose::sign(header, claims.dump(), fuzz::es256_signing_key(), jose::Algorithm::ES256);
        FUZZ_CHECK(signed_proof.has_value());
        auto accepted = dpop::check_proof(*signed_proof, expect("POST"));
        FUZZ_CHECK(accepted.has_value());
        FUZZ_CHECK(accepted->jti == jti);
        claims["htm"] = "GET";
        claims["htu"] = "https://connect.caf.test/userinfo";
        claims["ath"] = dpop::access_token_hash(text);
        auto at_resource = jose::sign(header, claims.dump(), fuzz::es256_signing_key(), jose::Algorithm::ES256);
        FUZZ_CHECK(at_resource.has_value());
        FUZZ_CHECK(dpop::check_proof(*at_resource, expect("GET", "https://connect.caf.test/userinfo", text)).has_value());
        FUZZ_CHECK(!dpop::check_proof(*at_resource, expect("GET", "https://connect.caf.test/userinfo", "another token")));
    }
    return 0;
}
