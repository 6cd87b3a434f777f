// GET/POST /authorize and GET /authorize/resume: the browser-facing start and end of a login.
// Both run on the worker pool (they touch the store).
#pragma once

#include "core/http.hpp"
#include "oidc/authorize/authorization_request.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc {

// Validates the request; answers from the SSO session when it can (prompt=none included), else
// stores an interaction and sends the browser to the login (or account creation) page.
http::Response handle_authorize(const ProviderContext& ctx, const http::Request& request);

// Consumes the completed login interaction named by `interaction`, checks that this browser holds
// the session the login opened, then shows the consent page or redirects with the code.
http::Response handle_authorize_resume(const ProviderContext& ctx, const http::Request& request);

// An invalid request: the French error page when the redirect URI is not trusted, else a redirect
// with error, error_description, state and iss.
http::Response authorization_error_response(const ProviderContext& ctx, const AuthorizationError& error, int status);

}  // namespace caf::oidc
