#include "providers/provider_metadata.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace caf::providers {
namespace {

unexpected<http::FetchError> failure(std::string what) {
    return unexpected<http::FetchError>{http::FetchError{std::move(what)}};
}

std::string string_member(const nlohmann::json& doc, const char* name) {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool lists(const nlohmann::json& doc, const char* name, std::string_view value) {
    auto it = doc.find(name);
    if (it == doc.end() || !it->is_array()) return false;
    return std::any_of(it->begin(), it->end(), [&](const nlohmann::json& v) { return v.is_string() && v == value; });
}

}  // namespace

expected<ProviderEndpoints, http::FetchError> ProviderMetadata::endpoints() {
    const auto now = clock_.now();
    {
        // Never held across the fetch: a hung provider must not queue every login behind it.
        std::lock_guard lock(mutex_);
        if (endpoints_ && now - endpoints_at_ < settings_.ttl) return *endpoints_;
    }

    ProviderEndpoints out;
    if (config_.discovery) {
        const std::chrono::milliseconds timeout{config_.timeout_ms};
        auto reply = fetcher_.get(config_.issuer + "/.well-known/openid-configuration",
                                  {{"Accept", "application/json"}}, timeout);
        if (!reply) return failure("discovery: " + reply.error().what);
        if (reply->status != 200) return failure("discovery: HTTP " + std::to_string(reply->status));
        auto doc = nlohmann::json::parse(reply->body, nullptr, false);
        if (doc.is_discarded() || !doc.is_object()) return failure("discovery: not a JSON object");
        // OpenID Connect Discovery §4.3: the document's issuer is exactly the configured one.
        if (string_member(doc, "issuer") != config_.issuer) return failure("discovery: issuer differs");
        out.authorization = string_member(doc, "authorization_endpoint");
        out.token = string_member(doc, "token_endpoint");
        out.userinfo = string_member(doc, "userinfo_endpoint");
        out.jwks_uri = string_member(doc, "jwks_uri");
        out.end_session = string_member(doc, "end_session_endpoint");
        out.pkce_s256 = lists(doc, "code_challenge_methods_supported", "S256");
        auto iss = doc.find("authorization_response_iss_parameter_supported");
        out.iss_parameter_supported = iss != doc.end() && iss->is_boolean() && iss->get<bool>();
    }
    if (!config_.authorization_endpoint.empty()) out.authorization = config_.authorization_endpoint;
    if (!config_.token_endpoint.empty()) out.token = config_.token_endpoint;
    if (!config_.userinfo_endpoint.empty()) out.userinfo = config_.userinfo_endpoint;
    if (!config_.jwks_uri.empty()) out.jwks_uri = config_.jwks_uri;
    if (!config_.end_session_endpoint.empty()) out.end_session = config_.end_session_endpoint;
    if (out.authorization.empty() || out.token.empty() || out.userinfo.empty() || out.jwks_uri.empty())
        return failure("discovery: an endpoint is missing");
    std::lock_guard lock(mutex_);
    endpoints_ = out;
    endpoints_at_ = now;
    return out;
}

std::optional<ProviderEndpoints> ProviderMetadata::last_known_endpoints() {
    std::lock_guard lock(mutex_);
    return endpoints_;
}

expected<std::shared_ptr<const oidc::jose::JwkSet>, http::FetchError> ProviderMetadata::fetch_keys(TimePoint now) {
    auto where = endpoints();
    if (!where) return unexpected<http::FetchError>{where.error()};
    auto reply = fetcher_.get(where->jwks_uri, {{"Accept", "application/jwk-set+json, application/json"}},
                              std::chrono::milliseconds{config_.timeout_ms});
    if (!reply) return failure("jwks: " + reply.error().what);
    if (reply->status != 200) return failure("jwks: HTTP " + std::to_string(reply->status));
    auto set = oidc::jose::JwkSet::parse(reply->body);
    if (!set) return failure("jwks: not a JWK set");
    auto shared = std::make_shared<const oidc::jose::JwkSet>(std::move(*set));
    std::lock_guard lock(mutex_);
    keys_ = shared;
    keys_at_ = now;
    return shared;
}

expected<std::shared_ptr<const oidc::jose::JwkSet>, http::FetchError> ProviderMetadata::keys() {
    const auto now = clock_.now();
    {
        std::lock_guard lock(mutex_);
        if (keys_ && now - keys_at_ < settings_.ttl) return keys_;
    }
    return fetch_keys(now);
}

std::optional<std::shared_ptr<const oidc::jose::JwkSet>> ProviderMetadata::refetch_keys_for_unknown_kid() {
    const auto now = clock_.now();
    {
        std::lock_guard lock(mutex_);
        if (last_forced_refetch_ && now - *last_forced_refetch_ < settings_.refetch_interval) return std::nullopt;
        last_forced_refetch_ = now;
    }
    auto fresh = fetch_keys(now);
    if (!fresh) return std::nullopt;
    return *fresh;
}

}  // namespace caf::providers
