// The headers every response carries, whatever produced it (a handler, a built-in route, or the
// server itself for 400/404/408/413/431/500/503). A handler's own value wins, so a page that needs
// a different Content-Security-Policy sets it.
#pragma once

#include <string>
#include <string_view>

#include "core/http.hpp"

namespace caf::server {

struct SecurityHeaderPolicy {
    std::string content_security_policy;
    std::string strict_transport_security;  // empty: not sent
};

// Adds the missing security headers, `Cache-Control: no-store` unless the handler chose a cache
// policy (static files do), and X-Request-Id (always the server's id for this request).
void apply_security_headers(http::Response& response, const SecurityHeaderPolicy& policy,
                            std::string_view request_id);

}  // namespace caf::server
