#include "providers/upstream_client.hpp"

#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "oidc/jose/jws.hpp"
#include "oidc/keys/private_key.hpp"

namespace caf::providers {

namespace jose = oidc::jose;

namespace {

unexpected<Rejection> reject(std::string reason, std::string message) {
    return unexpected<Rejection>{Rejection{std::move(reason), std::move(message)}};
}

std::string unavailable_message(const config::ProviderConfig& config) {
    return config.label + " ne répond pas pour le moment. Veuillez réessayer dans quelques minutes.";
}

std::string append_query(std::string url, const http::Params& params) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    return url + http::encode_params(params);
}

std::vector<jose::Algorithm> algorithms_of(const config::ProviderConfig& config) {
    std::vector<jose::Algorithm> out;
    for (const auto& name : config.id_token_algorithms)
        if (auto alg = jose::parse_algorithm(name)) out.push_back(*alg);
    return out;
}

oidc::jose::shared_pkey load_private_key(const config::ProviderConfig& config) {
    if (config.token_endpoint_auth_method != "private_key_jwt" || !config.private_key_file) return nullptr;
    std::ifstream in(*config.private_key_file);
    std::stringstream pem;
    pem << in.rdbuf();
    auto key = oidc::keys::private_key_from_pem(pem.str());
    if (!in || !key)
        throw std::runtime_error("providers." + config.name + ".private_key_file: no private key in " +
                                 config.private_key_file->string());
    return oidc::jose::shared_pkey(key.release(), EVP_PKEY_free);
}

}  // namespace

CallbackParams callback_params(const http::Params& query) {
    // Unknown extra parameters are tolerated (SPEC.md §8); a repeated known one is not taken.
    auto one = [&](std::string_view name) -> std::optional<std::string> {
        if (http::is_repeated(query, name)) return std::nullopt;
        return http::find_param(query, name);
    };
    return {one("code"), one("state"), one("iss"), one("error"), one("error_description")};
}

std::string random_hex64(Random& random) {
    std::string bytes(32, '\0');
    random.fill(std::as_writable_bytes(std::span(bytes.data(), bytes.size())));
    return crypto::hex_encode(bytes);
}

std::string pkce_challenge(std::string_view verifier) { return crypto::base64url_encode(crypto::sha256(verifier)); }

UpstreamProvider::UpstreamProvider(config::ProviderConfig config, http::HttpFetcher& fetcher, const Clock& clock,
                                   Random& random, MetadataSettings settings)
    : config_(std::move(config)),
      guard_(UpstreamGuard::Settings{config_.max_concurrent_calls, 1,
                                     std::chrono::seconds{config_.failure_cooldown_seconds}}),
      fetcher_(fetcher, guard_, clock),
      clock_(clock),
      random_(random) {
    metadata_ = std::make_unique<ProviderMetadata>(config_, fetcher_, clock_, settings);
    private_key_ = load_private_key(config_);
}

ExpectedAuthorization UpstreamProvider::expectations(const std::string& nonce) const {
    ExpectedAuthorization e;
    e.issuer = config_.issuer;
    e.client_id = config_.client_id;
    e.nonce = nonce;
    e.minimum_acr = config_.acr_values;
    e.allowed_algorithms = algorithms_of(config_);
    e.profile = config_.profile == "franceconnect_v1" ? ProviderProfile::franceconnect_v1
                                                      : ProviderProfile::franceconnect_v2;
    e.userinfo_signed = config_.userinfo_signed;
    e.client_secret = config_.client_secret;
    return e;
}

expected<UpstreamProvider::Start, Rejection> UpstreamProvider::start(const std::optional<std::string>& interaction_id,
                                                                     TimePoint now) {
    auto where = metadata_->endpoints();
    if (!where) return reject("discovery_failed", unavailable_message(config_));
    Start out;
    out.pending.provider = config_.name;
    out.pending.state = random_hex64(random_);
    out.pending.nonce = random_hex64(random_);
    out.pending.interaction_id = interaction_id;
    out.pending.expires_at = to_unix_seconds(now) + 600;
    http::Params params{{"response_type", "code"},
                        {"client_id", config_.client_id},
                        {"redirect_uri", config_.redirect_uri},
                        {"scope", config_.scopes},
                        {"state", out.pending.state},
                        {"nonce", out.pending.nonce},
                        {"acr_values", config_.acr_values},
                        {"claims", R"({"id_token":{"amr":{"essential":true}}})"}};
    if (!config_.prompt.empty()) params.emplace_back("prompt", config_.prompt);
    if (where->pkce_s256) {
        out.pending.code_verifier = random_token(random_, 32);
        params.emplace_back("code_challenge", pkce_challenge(*out.pending.code_verifier));
        params.emplace_back("code_challenge_method", "S256");
    }
    out.url = append_query(where->authorization, params);
    return out;
}

expected<std::string, Rejection> UpstreamProvider::client_assertion(const std::string& audience, TimePoint now) {
    const auto iat = to_unix_seconds(now);
    nlohmann::json claims{{"iss", config_.client_id}, {"sub", config_.client_id}, {"aud", audience},
                          {"jti", random_token(random_, 24)}, {"iat", iat}, {"exp", iat + 60}};
    const auto alg = jose::check_key_for_algorithm(private_key_.get(), jose::Algorithm::ES256)
                         ? jose::Algorithm::RS256
                         : jose::Algorithm::ES256;
    auto signed_jwt = jose::sign({{"typ", "JWT"}}, claims.dump(),
                                 jose::SigningKey{config_.private_key_kid, private_key_}, alg);
    if (!signed_jwt) return reject("client_assertion_failed", unavailable_message(config_));
    return *signed_jwt;
}

expected<ValidatedIdentity, CallbackError> UpstreamProvider::validate_with_refetch(
    const std::function<expected<ValidatedIdentity, CallbackError>(const jose::JwkSet&)>& validate,
    std::shared_ptr<const jose::JwkSet>& keys, bool& refetched) {
    auto result = validate(*keys);
    if (result || result.error().reason != CallbackErrorReason::unknown_key || refetched) return result;
    // The provider may have rotated its keys: one fresh JWKS, rate-limited per provider.
    refetched = true;
    auto fresh = metadata_->refetch_keys_for_unknown_kid();
    if (!fresh) return result;
    keys = *fresh;
    return validate(*keys);
}

expected<AuthenticatedUpstream, Rejection> UpstreamProvider::finish(const PendingAuthorization& pending,
                                                                    const CallbackParams& params, TimePoint now) {
    auto where = metadata_->endpoints();
    if (!where) return reject("discovery_failed", unavailable_message(config_));
    // RFC 9207: an iss parameter, when sent or promised, is exactly the issuer (mix-up attacks).
    if (params.iss || where->iss_parameter_supported) {
        if (!params.iss || !crypto::constant_time_equal(*params.iss, config_.issuer))
            return reject("callback_issuer_mismatch",
                          "La réponse ne vient pas de " + config_.label + ". Veuillez recommencer.");
    }
    if (params.error) {
        if (*params.error == "access_denied")
            return reject("access_denied", "Vous avez annulé la connexion avec " + config_.label +
                                               ". Vous pouvez recommencer, ou vous connecter avec votre numéro de "
                                               "Sécurité sociale et votre mot de passe.");
        return reject("provider_error", config_.label + " n'a pas pu vous identifier. Veuillez recommencer.");
    }
    if (!params.code || params.code->empty())
        return reject("missing_code", "La réponse de " + config_.label + " est incomplète. Veuillez recommencer.");

    // The code lives 30 s: exchange it at once.
    http::Params form{{"grant_type", "authorization_code"}, {"code", *params.code},
                      {"redirect_uri", config_.redirect_uri}};
    if (pending.code_verifier) form.emplace_back("code_verifier", *pending.code_verifier);
    http::HeaderList headers{{"Accept", "application/json"}};
    if (config_.token_endpoint_auth_method == "client_secret_post") {
        form.emplace_back("client_id", config_.client_id);
        form.emplace_back("client_secret", config_.client_secret);
    } else if (config_.token_endpoint_auth_method == "client_secret_basic") {
        headers.emplace_back("Authorization",
                             "Basic " + crypto::base64_encode(http::url_encode(config_.client_id) + ":" +
                                                              http::url_encode(config_.client_secret)));
    } else {
        auto assertion = client_assertion(where->token, now);
        if (!assertion) return unexpected<Rejection>{assertion.error()};
        form.emplace_back("client_id", config_.client_id);
        form.emplace_back("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.emplace_back("client_assertion", *assertion);
    }
    const std::chrono::milliseconds timeout{config_.timeout_ms};
    auto token_reply = fetcher_.post_form(where->token, headers, http::encode_params(form), timeout);
    if (!token_reply) return reject("token_endpoint_unreachable", unavailable_message(config_));
    auto tokens = nlohmann::json::parse(token_reply->body, nullptr, false);
    if (token_reply->status != 200 || tokens.is_discarded() || !tokens.is_object() ||
        !tokens.contains("id_token") || !tokens["id_token"].is_string() || !tokens.contains("access_token") ||
        !tokens["access_token"].is_string())
        return reject("token_exchange_failed",
                      config_.label + " n'a pas confirmé votre identification. Veuillez recommencer.");
    const std::string id_token = tokens["id_token"];
    const std::string access_token = tokens["access_token"];

    auto keys = metadata_->keys();
    if (!keys) return reject("jwks_unavailable", unavailable_message(config_));
    auto current = *keys;
    bool refetched = false;
    const auto expect = expectations(pending.nonce);
    auto identity = validate_with_refetch(
        [&](const jose::JwkSet& set) { return validate_id_token(expect, set, id_token, now); }, current, refetched);
    if (!identity) return reject(std::string(to_string(identity.error().reason)), identity.error().message);

    auto userinfo_reply = fetcher_.get(where->userinfo, {{"Authorization", "Bearer " + access_token},
                                                         {"Accept", "application/jwt, application/json"}},
                                       timeout);
    if (!userinfo_reply) return reject("userinfo_unreachable", unavailable_message(config_));
    if (userinfo_reply->status != 200)
        return reject("userinfo_failed", config_.label + " n'a pas transmis votre identité. Veuillez recommencer.");
    const UserinfoResponse userinfo{userinfo_reply->content_type, userinfo_reply->body};
    auto full = validate_with_refetch(
        [&](const jose::JwkSet& set) { return validate_userinfo(expect, set, *identity, userinfo, now); }, current,
        refetched);
    if (!full) return reject(std::string(to_string(full.error().reason)), full.error().message);
    // The ID token's claims first, userinfo's added (the pivot comes from userinfo).
    nlohmann::json claims = identity->claims;
    for (auto it = full->claims.begin(); it != full->claims.end(); ++it) claims[it.key()] = it.value();
    full->claims = std::move(claims);
    return AuthenticatedUpstream{std::move(*full), id_token};
}

std::optional<std::string> UpstreamProvider::end_session_url(const std::string& id_token, const std::string& state) {
    if (config_.post_logout_redirect_uri.empty()) return std::nullopt;
    // The person logged in through this provider, so its endpoints are known unless this node
    // restarted since; only then is discovery asked (through the guard: at most one timeout).
    auto known = metadata_->last_known_endpoints();
    if (!known) {
        auto fetched = metadata_->endpoints();
        if (fetched) known = *fetched;
    }
    const auto where = known;
    if (!where || where->end_session.empty()) return std::nullopt;
    return append_query(where->end_session, {{"id_token_hint", id_token},
                                             {"state", state},
                                             {"post_logout_redirect_uri", config_.post_logout_redirect_uri}});
}

}  // namespace caf::providers
