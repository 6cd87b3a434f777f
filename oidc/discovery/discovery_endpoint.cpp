// Discovery metadata and the JWKS, cached.
#include "oidc/discovery/discovery_endpoint.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "core/login_contract.hpp"
#include "oidc/authorize/acr_request.hpp"

namespace caf::oidc {
namespace {

constexpr std::string_view cache_control = "public, max-age=300";

const std::vector<std::string> standard_scopes{"openid", "profile", "email", "phone", "caf_dossier", "caf_nir",
                                               "offline_access"};

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
    while (!if_none_match.empty()) {
        auto comma = if_none_match.find(',');
        auto item = if_none_match.substr(0, comma);
        if_none_match = comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.starts_with("W/")) item.remove_prefix(2);  // weak comparison (RFC 9110 §13.1.2)
        if (item == "*" || item == etag) return true;
    }
    return false;
}

}  // namespace

CachedDocument cache_document(std::string body) {
    std::string etag(1, '"');
    etag.append(crypto::base64url_encode(crypto::sha256(body)), 0, 27);
    etag += '"';
    return {std::move(body), std::move(etag)};
}

http::Response cached_json_response(const CachedDocument& document, const http::Request& request) {
    http::Response response;
    auto if_none_match = request.header("If-None-Match");
    if (if_none_match && etag_matches(*if_none_match, document.etag)) {
        response = http::Response::empty(304);
    } else {
        response = http::Response::json(200, document.body);
    }
    response.headers.set("Cache-Control", std::string(cache_control));
    response.headers.set("ETag", document.etag);
    // Browser-based relying parties read these documents from their own origin.
    response.headers.set("Access-Control-Allow-Origin", "*");
    return response;
}

nlohmann::json discovery_document(const ProviderContext& ctx) {
    const std::string& issuer = ctx.issuer();
    std::vector<std::string> scopes = standard_scopes;
    std::vector<std::string> api_scopes;
    for (const auto& client : ctx.clients.all())
        for (const auto& scope : client.config.scopes)
            if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end() &&
                std::find(api_scopes.begin(), api_scopes.end(), scope) == api_scopes.end())
                api_scopes.push_back(scope);
    std::sort(api_scopes.begin(), api_scopes.end());
    scopes.insert(scopes.end(), api_scopes.begin(), api_scopes.end());

    // "none" is a public client (the mobile app) naming itself by client_id: at /token, and at
    // /revoke and /introspect for its own tokens (RFC 7009: the app's logout revokes them).
    const std::vector<std::string> client_auth_methods{"client_secret_basic", "client_secret_post", "private_key_jwt",
                                                       "none"};
    const std::vector<std::string> client_assertion_algs{"RS256", "ES256", "PS256"};

    nlohmann::json metadata{
        {"issuer", issuer},
        {"authorization_endpoint", issuer + "/authorize"},
        {"token_endpoint", issuer + "/token"},
        {"userinfo_endpoint", issuer + "/userinfo"},
        {"jwks_uri", issuer + "/jwks"},
        {"introspection_endpoint", issuer + "/introspect"},
        {"revocation_endpoint", issuer + "/revoke"},
        {"end_session_endpoint", issuer + "/logout"},
        {"pushed_authorization_request_endpoint", issuer + "/par"},
        {"require_pushed_authorization_requests", ctx.config.oidc.require_pushed_authorization_requests},
        {"response_types_supported", {"code"}},
        {"response_modes_supported", {"query"}},
        {"grant_types_supported", {"authorization_code", "refresh_token", "client_credentials"}},
        {"subject_types_supported", {"public"}},
        {"id_token_signing_alg_values_supported", {"RS256", "ES256"}},
        {"token_endpoint_auth_methods_supported", client_auth_methods},
        {"token_endpoint_auth_signing_alg_values_supported", client_assertion_algs},
        {"introspection_endpoint_auth_methods_supported", client_auth_methods},
        {"introspection_endpoint_auth_signing_alg_values_supported", client_assertion_algs},
        {"revocation_endpoint_auth_methods_supported", client_auth_methods},
        {"revocation_endpoint_auth_signing_alg_values_supported", client_assertion_algs},
        {"code_challenge_methods_supported", {"S256"}},
        {"scopes_supported", scopes},
        {"claims_supported",
         {"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "azp", "at_hash",
          "given_name", "family_name", "preferred_username", "birthdate", "gender", "birthplace", "birthcountry",
          "email", "email_verified", "phone_number", "phone_number_verified", "caf_dossier", "caf_nir"}},
        {"claim_types_supported", {"normal"}},
        {"prompt_values_supported", {"none", "login", "consent", "create"}},
        {"display_values_supported", {"page"}},
        {"ui_locales_supported", {"fr"}},
        {"claims_locales_supported", {"fr"}},
        {"acr_values_supported", issued_acr_values(ctx.config)},
        {"op_tos_uri", issuer + std::string(login::cgu_path)},
        {"authorization_response_iss_parameter_supported", true},
        {"claims_parameter_supported", true},
        {"request_parameter_supported", false},
        {"request_uri_parameter_supported", false},
        {"require_request_uri_registration", false},
        {"frontchannel_logout_supported", false},
        {"backchannel_logout_supported", true},
        {"backchannel_logout_session_supported", true},
        {"dpop_signing_alg_values_supported", {"ES256", "EdDSA", "RS256"}},
    };
    if (!ctx.config.oidc.op_policy_uri.empty()) metadata["op_policy_uri"] = ctx.config.oidc.op_policy_uri;
    if (!ctx.config.oidc.service_documentation.empty())
        metadata["service_documentation"] = ctx.config.oidc.service_documentation;
    return metadata;
}

std::shared_ptr<const JwksEndpoint::Cached> JwksEndpoint::current() const {
    const auto now = ctx_.clock.now();
    std::string key_list;
    for (const auto& key : ctx_.keys.list()) {
        if (!key.published_at(now)) continue;
        key_list += key.kid;
        key_list += ',';
    }
    std::lock_guard lock(mutex_);
    if (cached_ && cached_->key_list == key_list) return cached_;
    auto body = ctx_.keys.jwks(now).to_json().dump();
    cached_ = std::make_shared<const Cached>(Cached{std::move(key_list), cache_document(std::move(body))});
    return cached_;
}

http::Response JwksEndpoint::handle(const http::Request& request) const {
    auto cached = current();
    return cached_json_response(cached->document, request);
}

}  // namespace caf::oidc
