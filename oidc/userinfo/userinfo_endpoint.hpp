// /userinfo (OIDC Core §5.3): the claims of the access token's scopes, for a bearer token sent in
// the Authorization header (GET or POST) or the `access_token` form field (POST) — never both,
// never in the query (RFC 6750 §2, RFC 9700 §4.3.2). A DPoP-bound token only as
// `Authorization: DPoP <token>` with a proof of its key (RFC 9449 §7, oidc/dpop/resource_binding.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "core/http.hpp"
#include "oidc/errors.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::userinfo {

struct UserinfoError {
    // invalid_request, invalid_token or insufficient_scope; none when the request carried no
    // access token at all (RFC 6750 §3.1: the challenge then names no error).
    std::optional<oauth_error> error;
    std::string description;
};

// The bearer token of the Authorization header alone (RFC 6750 §2.1; APIs with JSON bodies):
// none when the header is absent; never from the query.
expected<std::optional<std::string>, UserinfoError> authorization_bearer_token(const http::Request& request);

// The bearer token of a request, as RFC 6750 allows it.
expected<std::string, UserinfoError> bearer_token_of(const http::Request& request);

// `sub` plus the ClaimsSource claims of the token's scopes (the NIR only for clients configured for
// it); the token must be active and carry `openid`.
expected<nlohmann::json, UserinfoError> userinfo_claims(ProviderContext& ctx, std::string_view access_token,
                                                        TimePoint now);

http::Response handle_userinfo(const http::Request& request, ProviderContext& ctx);

}  // namespace caf::oidc::userinfo
