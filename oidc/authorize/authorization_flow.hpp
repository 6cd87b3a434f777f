// The rules between a validated authorization request and its answer: whether the browser's SSO
// session satisfies it, whether consent is needed, the interactions that wait for a login or a
// consent, and the code itself. Handlers (authorize, resume, consent) only parse and render.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/http.hpp"
#include "core/login_contract.hpp"
#include "oidc/authorize/authorization_request.hpp"
#include "oidc/errors.hpp"
#include "oidc/provider_context.hpp"
#include "storage/sessions.hpp"
#include "storage/tokens.hpp"

namespace caf::oidc {

// The consent page of a pending authorization.
inline constexpr std::string_view consent_path = "/consent";
std::string consent_url(std::string_view interaction_id);

// What an interaction waits for: a login (completed by account/ or providers/), or the person's
// consent (completed by us with the session's login result, consumed by POST /consent).
enum class InteractionStage { login, consent };
inline constexpr const char* stage_field = "stage";
std::optional<InteractionStage> stage_of(const nlohmann::json& request);

// `redirect_uri` with `params` and RFC 9207 `iss` appended ('&' when it already has a query).
std::string authorization_response_url(std::string_view redirect_uri, http::Params params, std::string_view issuer);
std::string error_redirect_url(const ProviderContext& ctx, const RedirectTarget& target, oauth_error error,
                               std::string_view description);

// The active SSO session whose id is in the browser's `__Host-caf_session` cookie.
std::optional<storage::Session> session_of_browser(const ProviderContext& ctx, const http::Request& request);
// True when the browser's session cookie is the session `session_digest` (constant time).
bool browser_holds_session(const http::Request& request, std::string_view session_digest);

// The session can answer the request without a new login: no prompt=login or create, auth_time
// within max_age, the id_token_hint names the same person, and its acr answers the request's.
bool session_satisfies(const AuthorizationRequest& request, const storage::Session& session,
                       std::string_view session_subject, std::int64_t now);
// prompt=consent, or a client that is not first-party without a remembered consent covering
// every requested scope.
bool consent_needed(const Client& client, const AuthorizationRequest& request,
                    const std::optional<storage::Consent>& remembered);

login::LoginResult login_result_of(const storage::Session& session);

// Stores a login interaction (random 32-byte id, kept as login::digest(id)) and returns the id.
std::string start_login_interaction(const ProviderContext& ctx, const AuthorizationRequest& request);
// Stores a consent interaction, already completed with `result`; returns the id.
std::string start_consent_interaction(const ProviderContext& ctx, const AuthorizationRequest& request,
                                      const login::LoginResult& result);

// Stores an authorization code for `result` and returns the success redirect URL
// (code, state, iss). Records the client on the session and refreshes its idle expiry.
std::string issue_code(const ProviderContext& ctx, const AuthorizationRequest& request,
                       const login::LoginResult& result);

// After a login (fresh or from the SSO session): the consent page when needed, else the code.
// `status`: 302 after a GET, 303 after a POST.
http::Response finish_authorization(const ProviderContext& ctx, const AuthorizationRequest& request,
                                    const login::LoginResult& result, int status);

}  // namespace caf::oidc
