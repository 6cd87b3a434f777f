// Protocol error names and the responses they become.
#include "oidc/errors.hpp"

#include <nlohmann/json.hpp>

namespace caf::oidc {
namespace {

class OauthCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "oauth"; }
    std::string message(int value) const override { return std::string(wire_name(static_cast<oauth_error>(value))); }
};

// RFC 6749 restricts error_description to printable ASCII without '"' and '\'.
std::string sanitise_description(std::string_view text) {
    std::string out;
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u <= 0x7e && c != '"' && c != '\\') out += c;
    }
    return out;
}

}  // namespace

const std::error_category& oauth_category() noexcept {
    static OauthCategory category;
    return category;
}

std::error_code make_error_code(oauth_error e) noexcept { return {static_cast<int>(e), oauth_category()}; }

std::string_view wire_name(oauth_error e) noexcept {
    switch (e) {
        case oauth_error::invalid_request: return "invalid_request";
        case oauth_error::invalid_client: return "invalid_client";
        case oauth_error::invalid_grant: return "invalid_grant";
        case oauth_error::unauthorized_client: return "unauthorized_client";
        case oauth_error::unsupported_grant_type: return "unsupported_grant_type";
        case oauth_error::unsupported_response_type: return "unsupported_response_type";
        case oauth_error::invalid_scope: return "invalid_scope";
        case oauth_error::access_denied: return "access_denied";
        case oauth_error::server_error: return "server_error";
        case oauth_error::temporarily_unavailable: return "temporarily_unavailable";
        case oauth_error::login_required: return "login_required";
        case oauth_error::consent_required: return "consent_required";
        case oauth_error::interaction_required: return "interaction_required";
        case oauth_error::invalid_request_uri: return "invalid_request_uri";
        case oauth_error::request_not_supported: return "request_not_supported";
        case oauth_error::request_uri_not_supported: return "request_uri_not_supported";
        case oauth_error::registration_not_supported: return "registration_not_supported";
        case oauth_error::invalid_token: return "invalid_token";
        case oauth_error::insufficient_scope: return "insufficient_scope";
        case oauth_error::unsupported_token_type: return "unsupported_token_type";
        case oauth_error::invalid_target: return "invalid_target";
        case oauth_error::unmet_authentication_requirements: return "unmet_authentication_requirements";
        case oauth_error::invalid_redirect_uri: return "invalid_redirect_uri";
    }
    return "server_error";
}

http::Response token_error_response(oauth_error e, std::string_view description, bool client_used_basic) {
    nlohmann::json body{{"error", wire_name(e)}};
    auto text = sanitise_description(description);
    if (!text.empty()) body["error_description"] = text;
    int status = 400;
    if (e == oauth_error::invalid_client && client_used_basic) status = 401;
    if (e == oauth_error::server_error) status = 500;
    if (e == oauth_error::temporarily_unavailable) status = 503;
    auto response = http::Response::json(status, body.dump());
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
    if (status == 401) response.headers.set("WWW-Authenticate", "Basic realm=\"cafconnect\"");
    return response;
}

http::Response bearer_error_response(std::optional<oauth_error> error, std::string_view description) {
    if (!error) {
        // RFC 6750 §3.1: a request without authentication information gets no error code.
        auto response = http::Response::empty(401);
        response.headers.set("WWW-Authenticate", "Bearer realm=\"cafconnect\"");
        response.headers.set("Cache-Control", "no-store");
        return response;
    }
    const oauth_error e = *error;
    int status = e == oauth_error::invalid_token ? 401 : e == oauth_error::insufficient_scope ? 403 : 400;
    auto text = sanitise_description(description);
    nlohmann::json body{{"error", wire_name(e)}};
    if (!text.empty()) body["error_description"] = text;
    auto response = http::Response::json(status, body.dump());
    std::string challenge = "Bearer realm=\"cafconnect\", error=\"" + std::string(wire_name(e)) + "\"";
    if (!text.empty()) challenge += ", error_description=\"" + text + "\"";
    response.headers.set("WWW-Authenticate", challenge);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

}  // namespace caf::oidc
