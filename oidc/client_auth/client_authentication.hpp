// Who is calling the token, introspection and revocation endpoints (RFC 6749 §2.3, RFC 7523,
// OIDC Core §9): client_secret_basic, client_secret_post, private_key_jwt, or none for a public
// client. The method presented must be the one the client registered; two at once is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/http.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/errors.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::client_auth {

inline constexpr std::string_view jwt_bearer_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct AuthenticatedClient {
    const Client* client = nullptr;
    std::string method;  // the auth method used, as registered
};

struct ClientAuthFailure {
    oauth_error error = oauth_error::invalid_client;
    std::string description;
    bool used_basic = false;  // invalid_client then answers 401 with WWW-Authenticate: Basic
};

// A private_key_jwt assertion is accepted once (RFC 7523 §3 item 7): its jti is remembered in the
// store (storage::ClientAssertions, ctx.db) until it expires, so a replay is refused by every node.
class ClientAuthenticator {
public:
    explicit ClientAuthenticator(ProviderContext& ctx) : ctx_(ctx) {}

    // `form` is the request's decoded body; `endpoint_url` the URL called (an assertion's aud
    // may name it, the token endpoint or the issuer).
    expected<AuthenticatedClient, ClientAuthFailure> authenticate(const http::Request& request,
                                                                  const http::Params& form,
                                                                  const std::string& endpoint_url);

private:
    expected<AuthenticatedClient, ClientAuthFailure> by_assertion(const http::Params& form,
                                                                  const std::string& endpoint_url);

    ProviderContext& ctx_;
};

// What every client-authenticated endpoint (token, introspection, revocation) starts with: the
// form body parsed strictly and the client authenticated, or the RFC 6749 §5.2 error response.
struct AuthenticatedCall {
    http::Params form;
    AuthenticatedClient client;
};
expected<AuthenticatedCall, http::Response> authenticate_call(const http::Request& request,
                                                            ClientAuthenticator& authenticator,
                                                            const std::string& endpoint_url);

// RFC 6749 §2.3.1: "Basic base64(urlencode(id) ':' urlencode(secret))". Nullopt when malformed.
struct BasicCredentials {
    std::string client_id;
    std::string secret;
};
std::optional<BasicCredentials> parse_basic(std::string_view authorization);

}  // namespace caf::oidc::client_auth
