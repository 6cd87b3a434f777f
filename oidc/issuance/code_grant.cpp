// The JSON of an authorization code's payload.
#include "oidc/issuance/code_grant.hpp"

#include "oidc/json_fields.hpp"

namespace caf::oidc::issuance {

nlohmann::json to_json(const CodeGrant& g) {
    nlohmann::json j{{"redirect_uri", g.redirect_uri}, {"scope", to_string(g.scope)}, {"acr", g.acr}, {"amr", g.amr}};
    if (g.auth_time) j["auth_time"] = *g.auth_time;
    if (g.sid) j["sid"] = *g.sid;
    if (g.nonce) j["nonce"] = *g.nonce;
    if (!g.id_token_claims.empty()) j["id_token_claims"] = g.id_token_claims;
    if (!g.resources.empty()) j["resources"] = g.resources;
    if (g.code_challenge) j["code_challenge"] = *g.code_challenge;
    if (g.code_challenge_method) j["code_challenge_method"] = *g.code_challenge_method;
    if (g.dpop_jkt) j["dpop_jkt"] = *g.dpop_jkt;
    return j;
}

CodeGrant code_grant_from_json(const nlohmann::json& j) {
    CodeGrant g;
    g.redirect_uri = optional_string(j, "redirect_uri").value_or("");
    g.scope = parse_scope(optional_string(j, "scope").value_or("")).value_or(ScopeSet{});
    if (j.is_object())
        if (auto it = j.find("auth_time"); it != j.end() && it->is_number_integer()) g.auth_time = it->get<std::int64_t>();
    g.acr = optional_string(j, "acr").value_or("");
    g.amr = string_array(j, "amr");
    g.sid = optional_string(j, "sid");
    g.nonce = optional_string(j, "nonce");
    g.id_token_claims = string_array(j, "id_token_claims");
    g.resources = string_array(j, "resources");
    g.code_challenge = optional_string(j, "code_challenge");
    g.code_challenge_method = optional_string(j, "code_challenge_method");
    g.dpop_jkt = optional_string(j, "dpop_jkt");
    return g;
}

}  // namespace caf::oidc::issuance
