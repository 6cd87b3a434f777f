// Strict form bodies for the back-channel endpoints.
#include "oidc/client_auth/form_body.hpp"

#include <set>

namespace caf::oidc::client_auth {

expected<http::Params, std::string> parse_form_body(const http::Request& request) {
    if (http::media_type(request.header("Content-Type").value_or("")) != "application/x-www-form-urlencoded")
        return unexpected<std::string>{"the body must be application/x-www-form-urlencoded"};
    auto params = http::parse_urlencoded(request.body);
    if (!params) return unexpected<std::string>{"malformed form body"};
    std::set<std::string_view> seen;
    for (const auto& [name, value] : *params)
        // RFC 8707 §2: `resource` may be given more than once; nothing else may.
        if (name != "resource" && !seen.insert(name).second) return unexpected<std::string>{"parameter repeated: " + name};
    return std::move(*params);
}

}  // namespace caf::oidc::client_auth
