// DPoP-bound access tokens at a protected resource.
#include "oidc/dpop/resource_binding.hpp"

#include "oidc/dpop/dpop_request.hpp"

namespace caf::oidc::dpop {

std::optional<std::string> bound_key(const nlohmann::json& claims) {
    auto cnf = claims.find("cnf");
    if (cnf == claims.end() || !cnf->is_object()) return std::nullopt;
    auto jkt = cnf->find("jkt");
    if (jkt == cnf->end() || !jkt->is_string()) return std::nullopt;
    return jkt->get<std::string>();
}

std::optional<BindingRefusal> check_presentation(ProviderContext& ctx, const http::Request& request,
                                                 std::string_view url, std::string_view access_token,
                                                 AuthorizationScheme scheme, const nlohmann::json& claims,
                                                 const Client* client) {
    auto jkt = bound_key(claims);
    if (!jkt) {
        if (scheme == AuthorizationScheme::dpop)
            return BindingRefusal{"invalid_token", "a bearer access token cannot be presented with the DPoP scheme"};
        return std::nullopt;
    }
    // A stolen DPoP token used as a bearer token is exactly what the binding is there to stop.
    if (scheme != AuthorizationScheme::dpop)
        return BindingRefusal{"invalid_token", "a DPoP-bound access token must be presented with the DPoP scheme"};
    const bool nonce = client != nullptr && client->config.use_dpop_nonce;
    auto proof = check_request_proof(ctx, request, {url, access_token, nonce});
    if (!proof) return BindingRefusal{std::string(wire_name(proof.error().error)), proof.error().description};
    if (!*proof) return BindingRefusal{"invalid_dpop_proof", "a DPoP proof is required"};
    if ((*proof)->jkt != *jkt) return BindingRefusal{"invalid_dpop_proof", "the DPoP proof key is not the access token's key"};
    return std::nullopt;
}

}  // namespace caf::oidc::dpop
