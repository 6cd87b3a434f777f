// The DPoP proof of one request, checked in full: the pure checks of dpop_proof.hpp, the server
// nonce when the client must use one, and the jti recorded in the store so that a replay is
// refused on every node. Also the error responses DPoP defines (RFC 9449 §§5, 7.1, 8).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "core/http.hpp"
#include "oidc/dpop/dpop_proof.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::dpop {

// RFC 9449 error codes; `use_dpop_nonce` answers carry a fresh DPoP-Nonce.
enum class DpopError { invalid_dpop_proof, use_dpop_nonce };

struct DpopRefusal {
    DpopError error;
    std::string description;
};

struct RequestExpectations {
    std::string_view url;  // the endpoint: issuer + path
    std::optional<std::string_view> access_token;  // at a resource: the token the proof is for
    bool require_nonce = false;
};

// Nothing when the request has no DPoP header. An accepted proof's jti is spent: the same proof
// is refused afterwards, here or on another node. A store failure propagates (503).
expected<std::optional<ValidProof>, DpopRefusal> check_request_proof(ProviderContext& ctx,
                                                                     const http::Request& request,
                                                                     const RequestExpectations& expect);

// The nonce every node accepts now.
std::string nonce_now(const ProviderContext& ctx);
void add_nonce(http::Response& response, const ProviderContext& ctx);

std::string_view wire_name(DpopError e) noexcept;

// Token endpoint: 400 {error, error_description}, no-store; DPoP-Nonce with use_dpop_nonce.
http::Response token_error_response(const ProviderContext& ctx, const DpopRefusal& refusal);

// The DPoP challenge of a protected resource (RFC 9449 §7.1), with the algorithms it accepts:
// `DPoP algs="ES256 EdDSA RS256"`, plus error and error_description when given.
std::string challenge(std::optional<std::string_view> error = std::nullopt, std::string_view description = {});
// A protected resource refusing a DPoP use: 401 with the DPoP challenge (and a DPoP-Nonce for
// use_dpop_nonce). `error` is invalid_token, invalid_dpop_proof or use_dpop_nonce.
http::Response resource_error_response(const ProviderContext& ctx, std::string_view error, std::string_view description);

}  // namespace caf::oidc::dpop
