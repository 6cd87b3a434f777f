// OAuth 2.0 / OpenID Connect protocol errors: one enum, one category, one place that turns them
// into responses (RFC 6749 §4.1.2.1 and §5.2, OIDC Core §3.1.2.6, RFC 6750 §3).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "core/http.hpp"

namespace caf::oidc {

enum class oauth_error {
    invalid_request = 1,
    invalid_client,
    invalid_grant,
    unauthorized_client,
    unsupported_grant_type,
    unsupported_response_type,
    invalid_scope,
    access_denied,
    server_error,
    temporarily_unavailable,
    login_required,
    consent_required,
    interaction_required,
    invalid_request_uri,
    request_not_supported,
    request_uri_not_supported,
    registration_not_supported,
    invalid_token,            // RFC 6750, bearer token errors
    insufficient_scope,
    unsupported_token_type,   // RFC 7009
    invalid_target,           // RFC 8707: an unknown or unauthorised resource
    unmet_authentication_requirements,  // OpenID Connect Core Unmet Authentication Requirements 1.0
    invalid_redirect_uri,     // RFC 7591 §3.2.2, also answered by /par (RFC 9126)
};

const std::error_category& oauth_category() noexcept;
std::error_code make_error_code(oauth_error e) noexcept;
// The wire name: "invalid_request", ...
std::string_view wire_name(oauth_error e) noexcept;

// A token/introspection/revocation endpoint error: JSON body {error, error_description},
// `Cache-Control: no-store`; 401 with `WWW-Authenticate: Basic` for invalid_client when the client
// tried HTTP Basic, 400 otherwise.
http::Response token_error_response(oauth_error e, std::string_view description, bool client_used_basic = false);
// A protected resource error (userinfo): 401 (invalid_token) or 403 (insufficient_scope) or 400,
// with `WWW-Authenticate: Bearer realm="cafconnect", error="…", error_description="…"`. Without an
// error (nullopt: the request carried no access token at all) it is the bare challenge of RFC 6750
// §3.1: 401, `WWW-Authenticate: Bearer realm="cafconnect"`, no error attribute and an empty body.
http::Response bearer_error_response(std::optional<oauth_error> e, std::string_view description = {});

}  // namespace caf::oidc

template <>
struct std::is_error_code_enum<caf::oidc::oauth_error> : std::true_type {};
