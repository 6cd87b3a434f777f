// Pushed authorization requests (RFC 9126): what POST /par accepts and stores, and how /authorize
// takes a pushed request back by its request_uri. No HTTP here beyond parameter lists.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "core/http.hpp"
#include "oidc/authorize/authorization_request.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/errors.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc::par {

inline constexpr std::string_view request_uri_prefix = "urn:ietf:params:oauth:request_uri:";

struct PushedAuthorization {
    std::string request_uri;  // given to the client only; the store keeps its digest
    std::int64_t expires_in = 0;
};

struct PushError {
    oauth_error error = oauth_error::invalid_request;
    std::string description;
};

// `form` is the body of POST /par, sent by `client` (already authenticated). The authorization
// request it holds is validated as /authorize validates it, then stored, without the client's
// credentials, for [oidc] request_uri_lifetime seconds.
expected<PushedAuthorization, PushError> push_authorization_request(const ProviderContext& ctx, const Client& client,
                                                                    const http::Params& form);

// What /authorize validates: the front-channel parameters as sent, or, when they carry one of our
// request_uris, the pushed request it names (consumed: a request_uri works once, for the client
// that pushed it, before it expires), with every other front-channel parameter ignored.
struct AuthorizationParams {
    http::Params params;
    bool pushed = false;
};
expected<AuthorizationParams, AuthorizationError> authorization_params(const ProviderContext& ctx,
                                                                       const http::Params& front_channel);

// The client's require_pushed_authorization_requests, or the configuration's for every client.
bool requires_pushed_request(const ProviderContext& ctx, const Client& client);

}  // namespace caf::oidc::par
