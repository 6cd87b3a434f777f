// JWS compact serialisation from the network (ID token hints, client assertions, upstream ID
// tokens): header reading and verification under the allow-list, and sign → verify round trips
// of arbitrary payloads.
#include "core/crypto.hpp"
#include "fuzz_support.hpp"

using namespace caf;
using namespace caf::oidc::jose;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view token = fuzz::as_text(data, size);
    const std::vector<Algorithm> asymmetric{Algorithm::ES256, Algorithm::RS256, Algorithm::PS256, Algorithm::EdDSA};

    (void)read_unverified_header(token);

    if (auto verified = verify(token, fuzz::es256_jwks(), asymmetric)) {
        // Only the fixed key verifies, and the payload handed out is the token's middle part.
        FUZZ_CHECK(verified->header.value("alg", "") == "ES256");
        const auto first = token.find('.');
        const auto second = token.find('.', first + 1);
        FUZZ_CHECK(crypto::base64url_decode(token.substr(first + 1, second - first - 1)) == verified->payload);
    }
    const SecretResolver secret{std::string(fuzz::hs256_secret)};
    if (auto verified = verify(token, secret, {Algorithm::HS256})) {
        FUZZ_CHECK(verified->header.value("alg", "") == "HS256");
    }
    // A public key is never an HMAC secret, whatever the header says.
    FUZZ_CHECK(!verify(token, fuzz::es256_jwks(), {Algorithm::HS256}));

    // Whatever we sign verifies, with the same payload, and one changed signature byte does not.
    // ES256 signing costs a hundred times an HMAC: one input in eight, so parsing keeps its pace.
    if (size <= 4096) {
        for (const auto* key : {&fuzz::hs256_signing_key(), &fuzz::es256_signing_key()}) {
            if (key == &fuzz::es256_signing_key() && size % 8 != 0) continue;
            const bool hmac = std::holds_alternative<Secret>(key->material);
            const Algorithm alg = hmac ? Algorithm::HS256 : Algorithm::ES256;
            auto signed_token = sign(nlohmann::json{{"typ", "JWT"}}, token, *key, alg);
            FUZZ_CHECK(signed_token.has_value());
            auto checked = hmac ? verify(*signed_token, secret, {alg}) : verify(*signed_token, fuzz::es256_jwks(), {alg});
            FUZZ_CHECK(checked.has_value());
            FUZZ_CHECK(checked->payload == token);
            std::string tampered = *signed_token;
            char& last = tampered[tampered.size() - 2];
            last = last == 'A' ? 'B' : 'A';
            FUZZ_CHECK(!(hmac ? verify(tampered, secret, {alg}) : verify(tampered, fuzz::es256_jwks(), {alg})));
        }
    }
    return 0;
}
