// The authorization request (OIDC Core §3.1.2.1, RFC 9700): its validation, in the order that
// decides where an error may go, and its stored form inside an interaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "core/http.hpp"
#include "oidc/errors.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc {

struct AuthorizationRequest {
    std::string client_id;
    std::string client_name;
    std::string redirect_uri;           // registered, exactly as sent
    std::vector<std::string> scopes;    // granted: allowed, deduplicated, offline_access only when honoured
    std::optional<std::string> state;   // returned verbatim
    std::optional<std::string> nonce;
    std::optional<std::string> code_challenge;
    std::optional<std::string> code_challenge_method;  // "S256" when a challenge is present
    std::vector<std::string> prompt;    // subset of none, login, consent, create
    std::optional<std::int64_t> max_age;
    std::optional<std::string> login_hint;
    std::optional<std::string> acr_values;
    std::optional<std::string> ui_locales;
    std::optional<std::string> id_token_hint_subject;  // "sub" of a verified id_token_hint
    // Claims asked for the ID token with the claims parameter (OIDC Core §5.5), sorted: the only
    // personal data an ID token carries, and only within the granted scopes.
    std::vector<std::string> id_token_claims;
    // The acr values asked for (an essential acr claim's, else acr_values) that a login here can
    // answer, in preference order; empty: any. With `acr_essential`, a login that answers none
    // of them ends in unmet_authentication_requirements.
    std::vector<std::string> acr_targets;
    bool acr_essential = false;
    std::vector<std::string> resources;  // RFC 8707, each registered
    // RFC 9449 §10: the thumbprint of the DPoP key the code must be redeemed with.
    std::optional<std::string> dpop_jkt;

    bool has_prompt(std::string_view value) const;
    bool has_scope(std::string_view value) const;
    std::string scope() const;  // space-separated
};

// Where an authorization error goes: back to the client once the redirect URI is known to be
// registered, else to a French error page (never a redirect to an unverified place).
struct RedirectTarget {
    std::string redirect_uri;
    std::optional<std::string> state;
};

struct AuthorizationError {
    oauth_error error = oauth_error::invalid_request;
    std::string description;                // ASCII, for the client
    std::optional<RedirectTarget> redirect;  // nullopt: show a page
    std::string page_message;               // French, when there is no redirect
};

// Validates `params` (query of a GET, form of a POST) in the order of OIDC Core §3.1.2.2: client
// and exact redirect URI first (page), then every other check (redirect with error and state).
expected<AuthorizationRequest, AuthorizationError> validate_authorization_request(const ProviderContext& ctx,
                                                                                  const http::Params& params);

// 43 to 128 characters of the base64url alphabet (RFC 7636 §4.2).
bool is_valid_code_challenge(std::string_view challenge);

// The interaction's stored request. Field names are the contract with the login pages
// (login::request_field) plus what resuming needs.
nlohmann::json to_json(const AuthorizationRequest& request);
std::optional<AuthorizationRequest> authorization_request_from_json(const nlohmann::json& json);

}  // namespace caf::oidc
