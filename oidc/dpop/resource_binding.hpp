// What a protected resource checks of the binding of a presented access token (RFC 9449 §7): a
// DPoP-bound token (cnf.jkt) only with the DPoP scheme and a proof of that key for this very
// request and token (ath); an unbound token never with the DPoP scheme.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/http.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::dpop {

enum class AuthorizationScheme { bearer, dpop };

struct BindingRefusal {
    std::string error;  // invalid_token, invalid_dpop_proof or use_dpop_nonce
    std::string description;
};

// The token's cnf.jkt, when it is DPoP-bound.
std::optional<std::string> bound_key(const nlohmann::json& access_token_claims);

// Nothing when the presentation is acceptable. `client` (the token's, may be null) says whether a
// server nonce is required. The proof's jti is spent (store).
std::optional<BindingRefusal> check_presentation(ProviderContext& ctx, const http::Request& request,
                                                 std::string_view url, std::string_view access_token,
                                                 AuthorizationScheme scheme, const nlohmann::json& claims,
                                                 const Client* client);

}  // namespace caf::oidc::dpop
