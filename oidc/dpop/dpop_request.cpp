// A request's DPoP proof against the nonce and the store.
#include "oidc/dpop/dpop_request.hpp"

#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "oidc/dpop/dpop_nonce.hpp"
#include "storage/dpop_proof_jtis.hpp"

namespace caf::oidc::dpop {
namespace {

unexpected<DpopRefusal> refuse(DpopError e, std::string_view description) {
    return unexpected<DpopRefusal>{DpopRefusal{e, std::string(description)}};
}

// One proof is one (key, endpoint, jti): the digest keeps the row small whatever the client sent.
std::string proof_digest(const ValidProof& proof) {
    return crypto::hex_encode(crypto::sha256(proof.jkt + '\n' + proof.htu + '\n' + proof.jti));
}

std::string algs_list() {
    std::string out;
    for (auto alg : proof_algorithms()) {
        if (!out.empty()) out += ' ';
        out += jose::to_string(alg);
    }
    return out;
}

}  // namespace

std::string_view wire_name(DpopError e) noexcept {
    return e == DpopError::use_dpop_nonce ? "use_dpop_nonce" : "invalid_dpop_proof";
}

std::string nonce_now(const ProviderContext& ctx) {
    return current_nonce(nonce_key(ctx.subject_secret), ctx.clock.now());
}

void add_nonce(http::Response& response, const ProviderContext& ctx) {
    response.headers.set("DPoP-Nonce", nonce_now(ctx));
}

expected<std::optional<ValidProof>, DpopRefusal> check_request_proof(ProviderContext& ctx,
                                                                     const http::Request& request,
                                                                     const RequestExpectations& expect) {
    auto header = dpop_header(request.headers);
    if (!header) return refuse(DpopError::invalid_dpop_proof, describe(header.error()));
    if (!*header) return std::optional<ValidProof>{};
    const auto now = ctx.clock.now();
    auto proof = check_proof(**header, ProofExpectations{request.method, expect.url, expect.access_token, now});
    if (!proof) return refuse(DpopError::invalid_dpop_proof, describe(proof.error()));
    if (expect.require_nonce) {
        if (!proof->nonce) return refuse(DpopError::use_dpop_nonce, "a DPoP nonce is required");
        if (!is_valid_nonce(nonce_key(ctx.subject_secret), *proof->nonce, now))
            return refuse(DpopError::use_dpop_nonce, "the DPoP nonce is unknown or expired");
    }
    // Remembered until the proof's iat leaves the window: after that the iat check refuses it.
    const auto expires_at = proof->iat + proof_window.count() + 1;
    if (!storage::DpopProofJtis(ctx.db).remember(proof_digest(*proof), expires_at, to_unix_seconds(now)))
        return refuse(DpopError::invalid_dpop_proof, "the DPoP proof was already used");
    return std::optional<ValidProof>{std::move(*proof)};
}

http::Response token_error_response(const ProviderContext& ctx, const DpopRefusal& refusal) {
    nlohmann::json body{{"error", wire_name(refusal.error)}, {"error_description", refusal.description}};
    auto response = http::Response::json(400, body.dump());
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
    if (refusal.error == DpopError::use_dpop_nonce) add_nonce(response, ctx);
    return response;
}

std::string challenge(std::optional<std::string_view> error, std::string_view description) {
    std::string out = "DPoP algs=\"" + algs_list() + "\"";
    if (error) out += ", error=\"" + std::string(*error) + "\"";
    if (error && !description.empty()) out += ", error_description=\"" + std::string(description) + "\"";
    return out;
}

http::Response resource_error_response(const ProviderContext& ctx, std::string_view error,
                                       std::string_view description) {
    nlohmann::json body{{"error", error}, {"error_description", description}};
    auto response = http::Response::json(401, body.dump());
    response.headers.set("WWW-Authenticate", challenge(error, description));
    response.headers.set("Cache-Control", "no-store");
    if (error == "use_dpop_nonce") add_nonce(response, ctx);
    return response;
}

}  // namespace caf::oidc::dpop
