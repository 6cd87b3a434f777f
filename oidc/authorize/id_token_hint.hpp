// An `id_token_hint` (OIDC Core §3.1.2.1, RP-Initiated Logout §2): an ID token we issued, sent back
// by a relying party. It proves the relying party, not the browser, so only our own signature
// counts; expiry does not (a hint is usually an old token).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oidc/provider_context.hpp"

namespace caf::oidc {

struct IdTokenHint {
    std::string subject;                 // "sub"
    std::vector<std::string> audiences;  // "aud", as an array
    std::optional<std::string> azp;
    std::optional<std::string> sid;

    // The client the token was issued to: azp when present, else the single audience.
    std::optional<std::string> client_id() const;
};

// Nullopt unless the token is a JWS signed by one of our published keys with an algorithm we sign
// ID tokens with, whose "iss" is exactly our issuer and which has a "sub" and an "aud".
std::optional<IdTokenHint> verify_id_token_hint(const ProviderContext& ctx, std::string_view token);

}  // namespace caf::oidc
