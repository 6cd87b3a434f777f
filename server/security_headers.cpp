// Defaults from DESIGN.md "Security shape": pages cannot be framed, sniffed, or leak the URL (which
// may hold an authorization code) through the Referer.
#include "server/security_headers.hpp"

namespace caf::server {

namespace {

void set_default(http::Response& response, std::string name, std::string_view value) {
    if (value.empty() || response.headers.contains(name)) return;
    response.headers.set(std::move(name), std::string(value));
}

}  // namespace

void apply_security_headers(http::Response& response, const SecurityHeaderPolicy& policy,
                            std::string_view request_id) {
    set_default(response, "Content-Security-Policy", policy.content_security_policy);
    set_default(response, "X-Content-Type-Options", "nosniff");
    set_default(response, "Referrer-Policy", "no-referrer");
    set_default(response, "X-Frame-Options", "DENY");
    set_default(response, "Strict-Transport-Security", policy.strict_transport_security);
    // Responses of an identity provider carry tokens, codes and personal data: no cache unless a
    // route says otherwise.
    set_default(response, "Cache-Control", "no-store");
    response.headers.set("X-Request-Id", std::string(request_id));
}

}  // namespace caf::server
