// Checking an access token presented back to us (userinfo, introspection, revocation): a JWS of a
// published key (RS256 or ES256, never "none"), typ at+jwt, our issuer, a jti — and, to be active,
// unexpired and recorded in AccessTokens without a revocation.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "oidc/provider_context.hpp"
#include "storage/tokens.hpp"

namespace caf::oidc::issuance {

// The verified payload; the error says why (for error_description, never secret).
expected<nlohmann::json, std::string> decode_access_token(ProviderContext& ctx, std::string_view token, TimePoint now);

struct ActiveAccessToken {
    nlohmann::json claims;
    storage::AccessToken record;
};
expected<ActiveAccessToken, std::string> verify_active_access_token(ProviderContext& ctx, std::string_view token,
                                                                    TimePoint now);

}  // namespace caf::oidc::issuance
