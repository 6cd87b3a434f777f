// What an authorization code stands for: written by /authorize when it issues the code, read back
// by /token when the code is redeemed. One struct and one JSON mapping for the code's payload
// column, so both sides agree on every field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oidc/issuance/scope_set.hpp"

namespace caf::oidc::issuance {

struct CodeGrant {
    std::string redirect_uri;  // must come back exactly at redemption
    ScopeSet scope;
    std::optional<std::int64_t> auth_time;
    std::string acr;
    std::vector<std::string> amr;
    std::optional<std::string> sid;
    std::optional<std::string> nonce;
    std::vector<std::string> id_token_claims;  // asked with the claims parameter
    std::vector<std::string> resources;        // RFC 8707 `resource` values of the request
    std::optional<std::string> code_challenge;
    std::optional<std::string> code_challenge_method;  // "S256"; absent is checked as S256
    std::optional<std::string> dpop_jkt;  // RFC 9449 §10: the proof at /token must use this key
};

nlohmann::json to_json(const CodeGrant& grant);
// The provider's own JSON: a missing or mistyped member reads as absent (an old code payload,
// or one a later version wrote), never as an exception.
CodeGrant code_grant_from_json(const nlohmann::json& json);

}  // namespace caf::oidc::issuance
