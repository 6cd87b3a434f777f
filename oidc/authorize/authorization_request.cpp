// Authorization request validation and its JSON form.
#include "oidc/authorize/authorization_request.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "core/login_contract.hpp"
#include "oidc/authorize/acr_request.hpp"
#include "oidc/authorize/id_token_hint.hpp"
#include "oidc/issuance/resource_audience.hpp"
#include "oidc/json_fields.hpp"

namespace caf::oidc {
namespace {

constexpr std::string_view first_party_scope_only = "offline_access";

std::vector<std::string> split_spaces(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto space = text.find(' ');
        auto word = text.substr(0, space);
        if (!word.empty() && std::find(out.begin(), out.end(), word) == out.end()) out.emplace_back(word);
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    }
    return out;
}

std::string join_spaces(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

bool is_known_prompt(std::string_view value) {
    return value == "none" || value == "login" || value == "consent" || value == "create";
}

std::optional<std::int64_t> parse_max_age(std::string_view text) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::int64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

// The claims parameter (OIDC Core §5.5): a JSON object whose "id_token" and "userinfo" members
// are objects of null or object values.
struct ClaimsRequest {
    std::vector<std::string> id_token;  // names asked for the ID token, sorted
    std::vector<std::string> all;       // names asked anywhere
    std::vector<std::string> acr;       // an acr request's value / values
    bool acr_essential = false;
};

std::optional<ClaimsRequest> parse_claims_request(std::string_view text) {
    auto claims = nlohmann::json::parse(text, nullptr, false);
    if (!claims.is_object()) return std::nullopt;
    ClaimsRequest out;
    for (const auto& [target, requested] : claims.items()) {
        if (!requested.is_object()) return std::nullopt;
        for (const auto& [name, detail] : requested.items()) {
            if (!detail.is_null() && !detail.is_object()) return std::nullopt;
            if (target == "id_token") out.id_token.push_back(name);
            if (target == "id_token" || target == "userinfo") out.all.push_back(name);
            if (name != "acr" || !detail.is_object()) continue;
            if (auto e = detail.find("essential"); e != detail.end() && e->is_boolean() && e->get<bool>())
                out.acr_essential = true;
            if (auto v = detail.find("value"); v != detail.end() && v->is_string()) out.acr.push_back(*v);
            if (auto vs = detail.find("values"); vs != detail.end() && vs->is_array())
                for (const auto& v : *vs)
                    if (v.is_string()) out.acr.push_back(v);
        }
    }
    return out;  // id_token sorted: nlohmann::json keeps object members in order
}

// The scope that releases a claim (claims_source.hpp), for a claim asked by name.
std::optional<std::string_view> scope_of_claim(std::string_view claim) {
    for (auto name : {"given_name", "family_name", "preferred_username", "birthdate", "gender", "birthplace",
                      "birthcountry"})
        if (claim == name) return "profile";
    if (claim == "email" || claim == "email_verified") return "email";
    if (claim == "phone_number" || claim == "phone_number_verified") return "phone";
    if (claim == "caf_dossier") return "caf_dossier";
    return std::nullopt;  // caf_nir only comes with its own scope
}

AuthorizationError page_error(std::string description, std::string page_message) {
    return {oauth_error::invalid_request, std::move(description), std::nullopt, std::move(page_message)};
}

}  // namespace

bool AuthorizationRequest::has_prompt(std::string_view value) const {
    return std::find(prompt.begin(), prompt.end(), value) != prompt.end();
}

bool AuthorizationRequest::has_scope(std::string_view value) const {
    return std::find(scopes.begin(), scopes.end(), value) != scopes.end();
}

std::string AuthorizationRequest::scope() const { return join_spaces(scopes); }

bool is_valid_code_challenge(std::string_view challenge) {
    if (challenge.size() < 43 || challenge.size() > 128) return false;
    return std::all_of(challenge.begin(), challenge.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

expected<AuthorizationRequest, AuthorizationError> validate_authorization_request(const ProviderContext& ctx,
                                                                                  const http::Params& params) {
    // 1. Client and redirect URI: until both are trusted, nothing may be sent to the redirect URI.
    auto client_id = http::find_param(params, "client_id");
    if (!client_id || client_id->empty() || http::is_repeated(params, "client_id"))
        return unexpected(page_error("client_id missing or repeated",
                                     "La demande de connexion ne précise pas l'application qui la fait."));
    const Client* client = ctx.clients.find(*client_id);
    if (!client)
        return unexpected(page_error("unknown client", "L'application qui demande la connexion n'est pas reconnue."));
    auto redirect_uri = http::find_param(params, "redirect_uri");
    if (!redirect_uri || http::is_repeated(params, "redirect_uri") || !client->has_redirect_uri(*redirect_uri))
        return unexpected(page_error("redirect_uri missing or not registered",
                                     "L'adresse de retour de l'application n'est pas enregistrée."));

    RedirectTarget target{*redirect_uri, http::find_param(params, "state")};
    auto fail = [&](oauth_error e, std::string description) {
        return unexpected(AuthorizationError{e, std::move(description), target, {}});
    };

    // 2. A repeated parameter makes the request ambiguous (RFC 6749 §3.1).
    for (const auto& [name, value] : params)
        if (name != "resource" && http::is_repeated(params, name)) return fail(oauth_error::invalid_request, "repeated parameter: " + name);

    if (!client->allows_grant("authorization_code"))
        return fail(oauth_error::unauthorized_client, "client may not use the authorization code flow");

    // 3. Response type and mode: the code flow, answered in the query.
    auto response_type = http::find_param(params, "response_type");
    if (!response_type || response_type->empty()) return fail(oauth_error::invalid_request, "response_type missing");
    if (*response_type != "code")
        return fail(oauth_error::unsupported_response_type, "only response_type=code is supported");
    if (auto mode = http::find_param(params, "response_mode"); mode && *mode != "query")
        return fail(oauth_error::invalid_request, "only response_mode=query is supported");

    // 4. Request objects are not supported (discovery says so).
    if (http::find_param(params, "request"))
        return fail(oauth_error::request_not_supported, "request objects are not supported");
    if (http::find_param(params, "request_uri"))
        return fail(oauth_error::request_uri_not_supported, "request_uri is not supported");

    // 5. Scopes: openid, and only what the client is registered for.
    auto scopes = split_spaces(http::find_param(params, "scope").value_or(""));
    if (std::find(scopes.begin(), scopes.end(), "openid") == scopes.end())
        return fail(oauth_error::invalid_scope, "scope must contain openid");
    for (const auto& s : scopes)
        if (!client->allows_scope(s)) return fail(oauth_error::invalid_scope, "scope not allowed for this client: " + s);

    // 5b. The claims parameter: a claim asked by name brings in its scope when the client is
    // registered for it (the consent page then shows it); any other is left out, as OIDC Core
    // §5.5 allows for claims that are not essential.
    ClaimsRequest claims;
    if (auto text = http::find_param(params, "claims")) {
        auto parsed = parse_claims_request(*text);
        if (!parsed) return fail(oauth_error::invalid_request, "claims must be a JSON object of claim requests");
        claims = std::move(*parsed);
    }
    for (const auto& name : claims.all)
        if (auto scope = scope_of_claim(name);
            scope && client->allows_scope(*scope) && std::find(scopes.begin(), scopes.end(), *scope) == scopes.end())
            scopes.emplace_back(*scope);

    // 5c. acr: an essential acr claim no login here can answer fails at once; acr_values are a
    // preference (OIDC Core §3.1.2.1), kept when a login can answer one of them.
    const auto acr_values = http::find_param(params, "acr_values");
    const bool acr_from_claims = !claims.acr.empty();
    const auto acr_asked = acr_from_claims ? claims.acr : split_spaces(acr_values.value_or(""));
    auto acr_targets = answerable_acr_values(ctx.config, acr_asked);
    if (claims.acr_essential && !acr_asked.empty() && acr_targets.empty())
        return fail(oauth_error::unmet_authentication_requirements, "no authentication here gives the requested acr");

    // 5d. Resource indicators (RFC 8707 §2): each one registered.
    auto resources = issuance::check_resources(ctx.config, http::find_params(params, "resource"));
    if (!resources) return fail(oauth_error::invalid_target, resources.error());

    // 6. PKCE: S256 only; public clients must use it.
    auto challenge = http::find_param(params, "code_challenge");
    auto method = http::find_param(params, "code_challenge_method");
    if (method && *method != "S256")
        return fail(oauth_error::invalid_request, "code_challenge_method must be S256");
    if (challenge && !method)
        return fail(oauth_error::invalid_request, "code_challenge_method must be S256 (plain is not supported)");
    if (method && !challenge) return fail(oauth_error::invalid_request, "code_challenge missing");
    if (challenge && !is_valid_code_challenge(*challenge))
        return fail(oauth_error::invalid_request, "code_challenge must be 43 to 128 base64url characters");
    if (client->is_public() && !challenge)
        return fail(oauth_error::invalid_request, "public clients must send a PKCE code_challenge");

    // 6b. dpop_jkt (RFC 9449 §10): a SHA-256 JWK thumbprint, 43 base64url characters.
    auto dpop_jkt = http::find_param(params, "dpop_jkt");
    if (dpop_jkt && (dpop_jkt->size() != 43 || !crypto::base64url_decode(*dpop_jkt)))
        return fail(oauth_error::invalid_request, "dpop_jkt must be a SHA-256 JWK thumbprint");

    // 7. prompt and max_age.
    auto prompt = split_spaces(http::find_param(params, "prompt").value_or(""));
    for (const auto& p : prompt)
        if (!is_known_prompt(p)) return fail(oauth_error::invalid_request, "unsupported prompt value: " + p);
    if (std::find(prompt.begin(), prompt.end(), "none") != prompt.end() && prompt.size() > 1)
        return fail(oauth_error::invalid_request, "prompt=none must be alone");
    std::optional<std::int64_t> max_age;
    if (auto text = http::find_param(params, "max_age")) {
        max_age = parse_max_age(*text);
        if (!max_age) return fail(oauth_error::invalid_request, "max_age must be a non-negative integer");
    }

    // 8. id_token_hint: only one of ours counts, expired or not.
    std::optional<std::string> hint_subject;
    if (auto hint = http::find_param(params, "id_token_hint")) {
        auto verified = verify_id_token_hint(ctx, *hint);
        if (!verified) return fail(oauth_error::invalid_request, "id_token_hint is not a valid ID token of this issuer");
        hint_subject = verified->subject;
    }

    AuthorizationRequest request;
    request.client_id = client->id();
    request.client_name = client->config.name.empty() ? client->id() : client->config.name;
    request.redirect_uri = *redirect_uri;
    request.state = target.state;
    request.nonce = http::find_param(params, "nonce");
    request.code_challenge = challenge;
    request.code_challenge_method = method;
    request.dpop_jkt = dpop_jkt;
    request.prompt = std::move(prompt);
    request.max_age = max_age;
    request.login_hint = http::find_param(params, "login_hint");
    request.acr_values = acr_values;
    request.acr_targets = std::move(acr_targets);
    request.acr_essential = claims.acr_essential && !acr_asked.empty();
    request.resources = std::move(*resources);
    request.ui_locales = http::find_param(params, "ui_locales");
    request.id_token_hint_subject = std::move(hint_subject);
    request.id_token_claims = std::move(claims.id_token);

    // OIDC Core §11: offline access needs the person's explicit consent, which a first-party client
    // has by contract; otherwise the scope is dropped, not refused.
    bool honour_offline = client->config.first_party || request.has_prompt("consent");
    for (auto& s : scopes)
        if (s != first_party_scope_only || honour_offline) request.scopes.push_back(std::move(s));
    return request;
}

nlohmann::json to_json(const AuthorizationRequest& r) {
    nlohmann::json j{
        {login::request_field::client_id, r.client_id},
        {login::request_field::client_name, r.client_name},
        {"redirect_uri", r.redirect_uri},
        {"response_type", "code"},
        {"scope", r.scope()},
        {login::request_field::prompt, r.prompt},
    };
    auto put = [&](const char* name, const std::optional<std::string>& value) {
        if (value) j[name] = *value;
    };
    put("state", r.state);
    put("nonce", r.nonce);
    put("code_challenge", r.code_challenge);
    put("code_challenge_method", r.code_challenge_method);
    if (r.max_age) j["max_age"] = *r.max_age;
    put(login::request_field::login_hint, r.login_hint);
    put(login::request_field::acr_values, r.acr_values);
    put(login::request_field::ui_locales, r.ui_locales);
    put("id_token_hint_sub", r.id_token_hint_subject);
    if (!r.id_token_claims.empty()) j["id_token_claims"] = r.id_token_claims;
    if (!r.acr_targets.empty()) j["acr_targets"] = r.acr_targets;
    if (r.acr_essential) j["acr_essential"] = true;
    if (!r.resources.empty()) j["resources"] = r.resources;
    put("dpop_jkt", r.dpop_jkt);
    return j;
}

std::optional<AuthorizationRequest> authorization_request_from_json(const nlohmann::json& j) {
    if (!j.is_object()) return std::nullopt;
    AuthorizationRequest r;
    auto client_id = optional_string(j, login::request_field::client_id);
    auto redirect_uri = optional_string(j, "redirect_uri");
    auto scope = optional_string(j, "scope");
    if (!client_id || !redirect_uri || !scope) return std::nullopt;
    r.client_id = *client_id;
    r.client_name = optional_string(j, login::request_field::client_name).value_or(*client_id);
    r.redirect_uri = *redirect_uri;
    r.scopes = split_spaces(*scope);
    r.prompt = string_array(j, login::request_field::prompt);
    r.state = optional_string(j, "state");
    r.nonce = optional_string(j, "nonce");
    r.code_challenge = optional_string(j, "code_challenge");
    r.code_challenge_method = optional_string(j, "code_challenge_method");
    if (auto max_age = j.find("max_age"); max_age != j.end() && max_age->is_number_integer())
        r.max_age = max_age->get<std::int64_t>();
    r.login_hint = optional_string(j, login::request_field::login_hint);
    r.acr_values = optional_string(j, login::request_field::acr_values);
    r.ui_locales = optional_string(j, login::request_field::ui_locales);
    r.id_token_hint_subject = optional_string(j, "id_token_hint_sub");
    r.id_token_claims = string_array(j, "id_token_claims");
    r.acr_targets = string_array(j, "acr_targets");
    if (auto e = j.find("acr_essential"); e != j.end() && e->is_boolean()) r.acr_essential = e->get<bool>();
    r.resources = string_array(j, "resources");
    r.dpop_jkt = optional_string(j, "dpop_jkt");
    return r;
}

}  // namespace caf::oidc
