// Resource indicators (RFC 8707): which audience an access token is for, and the scope it keeps
// there. A token asked for a registered `[[resources]]` entry carries `aud` = its uri and only
// the granted scopes that resource accepts; one asked for nothing names the resources its scopes
// reach and, for a person (openid), the userinfo endpoint — never the issuer alone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/expected.hpp"
#include "oidc/issuance/scope_set.hpp"

namespace caf::oidc::issuance {

struct Audience {
    std::vector<std::string> aud;  // never empty
    ScopeSet scope;                // of the access token
};

// The registered resource `uri` (exact match), or null.
const config::ResourceConfig* find_resource(const config::Config& config, std::string_view uri);

// The audience at userinfo: access tokens for a person name it.
std::string userinfo_audience(std::string_view issuer);

// `requested`: the `resource` values of this token request; `authorized`: those of the
// authorization request behind a code (empty: none were given, any registered one may be asked).
// The error is an error_description for `invalid_target`. `fallback` is the audience when no
// resource applies and the grant is not for a person (client_credentials: the client itself).
expected<Audience, std::string> resolve_audience(const config::Config& config, const std::vector<std::string>& requested,
                                                 const std::vector<std::string>& authorized, const ScopeSet& granted,
                                                 const std::string& fallback);

// The `resource` values of an authorization request: each registered, else the error_description.
expected<std::vector<std::string>, std::string> check_resources(const config::Config& config,
                                                                const std::vector<std::string>& requested);

}  // namespace caf::oidc::issuance
