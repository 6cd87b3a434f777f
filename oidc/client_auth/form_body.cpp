// Strict form bodies for the back-channel endpoints.
#include "oidc/client_auth/form_body.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace caf::oidc::client_auth {

expected<http::Params, std::string> parse_form_body(const http::Request& request) {
    auto type = request.header("Content-Type");
    std::string essence(type.value_or("").substr(0, type.value_or("").find(';')));
    while (!essence.empty() && essence.back() == ' ') essence.pop_back();
    std::transform(essence.begin(), essence.end(), essence.begin(), [](unsigned char c) { return std::tolower(c); });
    if (essence != "application/x-www-form-urlencoded")
        return unexpected<std::string>{"the body must be application/x-www-form-urlencoded"};
    auto params = http::parse_urlencoded(request.body);
    if (!params) return unexpected<std::string>{"malformed form body"};
    std::set<std::string_view> seen;
    for (const auto& [name, value] : *params)
        if (!seen.insert(name).second) return unexpected<std::string>{"parameter repeated: " + name};
    return std::move(*params);
}

}  // namespace caf::oidc::client_auth
