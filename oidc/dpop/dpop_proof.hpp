// DPoP proofs (RFC 9449 §4): the checks of one `DPoP` header value against the request it came
// with, as pure functions of the proof, the request and `now`. Replay (jti) and server nonces
// need the store or a secret and are checked by the caller (oidc/dpop/dpop_request.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "core/http.hpp"
#include "oidc/jose/algorithm.hpp"

namespace caf::oidc::dpop {

// How far a proof's iat may be from our clock, either way: the proof is fresh, and its jti is
// remembered for as long as it could be accepted.
inline constexpr std::chrono::seconds proof_window{60};

// The algorithms a proof may be signed with (advertised as dpop_signing_alg_values_supported).
inline const std::vector<jose::Algorithm>& proof_algorithms() {
    static const std::vector<jose::Algorithm> algs{jose::Algorithm::ES256, jose::Algorithm::EdDSA,
                                                   jose::Algorithm::RS256};
    return algs;
}

enum class ProofError {
    multiple_headers,  // more than one DPoP header field
    malformed,         // not a compact JWS, or a header/payload that is not a JSON object
    wrong_typ,         // typ is not dpop+jwt
    alg_not_allowed,   // none, HS*, or anything off the allow-list
    invalid_jwk,       // jwk missing, unusable or not fitting the alg
    private_jwk,       // the jwk carries private key members
    bad_signature,
    wrong_htm,
    wrong_htu,
    iat_out_of_window, // missing, not a number, too old or in the future
    missing_jti,
    wrong_ath,         // missing or not the hash of the access token presented with it
};

// For error_description: says which check failed, never echoes the proof.
std::string_view describe(ProofError e) noexcept;

struct ProofExpectations {
    std::string_view method;  // the request's, upper case
    std::string_view url;     // the endpoint: issuer + path
    std::optional<std::string_view> access_token;  // at a resource: ath must be its hash
    TimePoint now{};
    std::chrono::seconds window = proof_window;
};

struct ValidProof {
    std::string jkt;  // RFC 7638 SHA-256 thumbprint of the proof's key
    std::string jti;
    std::string htu;  // normalised
    std::int64_t iat = 0;
    std::optional<std::string> nonce;  // checked by the caller when it requires one
};

expected<ValidProof, ProofError> check_proof(std::string_view proof, const ProofExpectations& expect);

// The request's one DPoP header: nothing when absent, multiple_headers when repeated.
expected<std::optional<std::string>, ProofError> dpop_header(const http::Headers& headers);

// RFC 9449 §4.3: scheme and host lower case, default port dropped, empty path "/", no query or
// fragment. Nothing when the text is not an absolute http(s) URL.
std::optional<std::string> normalise_htu(std::string_view url);

// ath (RFC 9449 §4.2): base64url(SHA-256(access token)).
std::string access_token_hash(std::string_view access_token);

}  // namespace caf::oidc::dpop
