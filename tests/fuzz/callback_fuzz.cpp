// What FranceConnect (or another upstream provider) sends back on the callback: the ID token
// from the token endpoint and the userinfo answer, validated against one pending authorization.
// The first byte chooses the mode: tokens taken as they come (forgery attempts), or claims the
// harness signs with the provider's key (a provider that signs strange claims), under the v2
// (ES256, JWKS, userinfo JWS) or v1 (HS256 with the client secret, userinfo JSON) profile.
#include <chrono>

#include "providers/callback_validation.hpp"
#include "fuzz_support.hpp"

using namespace caf;
using namespace caf::providers;
using caf::oidc::jose::Algorithm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t mode = data[0];
    const auto parts = fuzz::fields(fuzz::as_text(data + 1, size - 1), 3);
    const bool v1 = mode & 1;
    const bool sign_claims = mode & 2;

    ExpectedAuthorization expect;
    expect.issuer = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2";
    expect.client_id = "6925fb8143c76eded44d32b40c0cb1006065f7f003de52712b78985704f39950";
    expect.nonce = "n-0S6_WzA2Mj-caf";
    expect.minimum_acr = "eidas1";
    if (v1) {
        expect.profile = ProviderProfile::franceconnect_v1;
        expect.allowed_algorithms = {Algorithm::HS256};
        expect.userinfo_signed = false;
        expect.client_secret = std::string(fuzz::hs256_secret);
    } else {
        expect.allowed_algorithms = {Algorithm::ES256, Algorithm::RS256};
    }
    const auto& key = v1 ? fuzz::hs256_signing_key() : fuzz::es256_signing_key();
    const Algorithm alg = v1 ? Algorithm::HS256 : Algorithm::ES256;
    const TimePoint now{std::chrono::seconds{1767225600}};

    std::string id_token(parts[0]);
    UserinfoResponse userinfo{std::string(parts[1]), std::string(parts[2])};
    if (sign_claims) {
        auto signed_token = oidc::jose::sign(nlohmann::json{{"typ", "JWT"}}, parts[0], key, alg);
        FUZZ_CHECK(signed_token.has_value());
        id_token = std::move(*signed_token);
        if (!v1) {
            auto signed_userinfo = oidc::jose::sign(nlohmann::json{{"typ", "JWT"}}, parts[2], key, alg);
            FUZZ_CHECK(signed_userinfo.has_value());
            userinfo.body = std::move(*signed_userinfo);
        }
    }

    auto identity = validate_callback(expect, fuzz::es256_jwks(), id_token, userinfo, now);
    if (!identity) {
        FUZZ_CHECK(!to_string(identity.error().reason).empty());
        FUZZ_CHECK(!identity.error().message.empty());
        return 0;
    }
    // Accepted: only a token our key signed, for our client and nonce, at the level asked.
    const oidc::jose::SecretResolver secret{std::string(fuzz::hs256_secret)};
    auto verified = v1 ? oidc::jose::verify(id_token, secret, {Algorithm::HS256})
                       : oidc::jose::verify(id_token, fuzz::es256_jwks(), {Algorithm::ES256});
    FUZZ_CHECK(verified.has_value());
    FUZZ_CHECK(!identity->sub.empty());
    FUZZ_CHECK(acr_rank(identity->acr).value_or(0) >= 1);
    FUZZ_CHECK(identity->claims.is_object());
    const auto claims = nlohmann::json::parse(verified->payload, nullptr, false);
    FUZZ_CHECK(claims.is_object() && claims.value("nonce", "") == expect.nonce);
    FUZZ_CHECK(claims.value("iss", "") == expect.issuer);
    FUZZ_CHECK(claims.value("sub", "") == identity->sub);
    return 0;
}
