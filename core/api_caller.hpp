// Who calls an API on its own behalf (client_credentials): the seam between oidc/, which verifies
// bearer access tokens, and the modules that serve APIs (account/admin/), which must not include
// oidc/. The composition root plugs one into the other.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/http.hpp"

namespace caf {

struct ApiCaller {
    std::string client_id;
    std::vector<std::string> scopes;

    bool has_scope(std::string_view scope) const {
        return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
    }
};

// Verifies the request's bearer access token (signature, expiry, revocation) and that it was
// issued to a client on its own behalf with `required_scope`. The error is the response to send
// as is: 401 (no or invalid token, with its `WWW-Authenticate: Bearer` challenge) or 403
// (insufficient_scope).
using ApiAuthenticator =
    std::function<expected<ApiCaller, http::Response>(const http::Request& request, std::string_view required_scope)>;

}  // namespace caf
