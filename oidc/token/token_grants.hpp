// The three grants of the token endpoint as plain functions over an authenticated client and the
// request's parameters: no HTTP here, the endpoint renders what they return.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "core/http.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/errors.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::token {

struct GrantError {
    oauth_error error;
    std::string description;
};

// A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
struct IssuedTokens {
    std::string access_token;
    std::int64_t expires_in = 0;
    std::string scope;
    std::optional<std::string> id_token;
    std::optional<std::string> refresh_token;
};

using GrantOutcome = expected<IssuedTokens, GrantError>;

// The thumbprint of the key of the request's DPoP proof (RFC 9449), when it had one: every
// access token issued is then bound to it (cnf.jkt).
using DpopKey = std::optional<std::string>;

// authorization_code (RFC 6749 §4.1.3, RFC 7636, OIDC Core §3.1.3): single use — a replayed code
// revokes every token issued from it; the code's client, redirect_uri, PKCE and dpop_jkt (RFC 9449
// §10, the proof's key must be the one named at /authorize) are checked. A
// refresh token comes with it when the client is registered for the refresh_token grant.
GrantOutcome redeem_authorization_code(ProviderContext& ctx, const Client& client, const http::Params& form,
                                       const DpopKey& dpop_jkt);

// refresh_token (RFC 6749 §6, RFC 9700 §4.14.2): bound to its client, `scope` may only narrow the
// access token (the new refresh token keeps the original scope), rotated on every use. A rotated
// token presented again revokes its family (the successor too). With a
// config.oidc.refresh_reuse_grace window (0 by default), a reuse within it by the same client,
// before the successor was used, is refused without revoking (a client retry after a lost
// response) and never yields a second token. A public client's refresh tokens issued with a DPoP
// proof are bound to its key: a refresh without a proof of that key is invalid_grant.
GrantOutcome refresh_tokens(ProviderContext& ctx, const Client& client, const http::Params& form,
                            const DpopKey& dpop_jkt);

// client_credentials (RFC 6749 §4.4): API scopes only, default all the client's API scopes; an
// access token alone.
GrantOutcome issue_client_credentials(ProviderContext& ctx, const Client& client, const http::Params& form,
                                      const DpopKey& dpop_jkt);

}  // namespace caf::oidc::token
