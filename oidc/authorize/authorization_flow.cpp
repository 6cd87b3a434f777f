// SSO session fit, consent, interactions and authorization codes.
#include "oidc/authorize/authorization_flow.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "core/random.hpp"
#include "oidc/authorize/acr_request.hpp"
#include "oidc/authorize/pages.hpp"
#include "oidc/issuance/code_grant.hpp"
#include "oidc/subject.hpp"
#include "storage/authorization_codes.hpp"
#include "storage/interactions.hpp"

namespace caf::oidc {
namespace {

// A consent page left open does not hold its pending authorization for the login's half hour.
constexpr std::int64_t consent_lifetime_cap = 600;

std::int64_t now_seconds(const ProviderContext& ctx) { return to_unix_seconds(ctx.clock.now()); }

const char* stage_name(InteractionStage stage) { return stage == InteractionStage::consent ? "consent" : "login"; }

}  // namespace

std::string consent_url(std::string_view interaction_id) {
    return std::string(consent_path) + "?interaction=" + http::url_encode(interaction_id);
}

std::optional<InteractionStage> stage_of(const nlohmann::json& request) {
    auto it = request.find(stage_field);
    if (it == request.end() || !it->is_string()) return std::nullopt;
    if (*it == "login") return InteractionStage::login;
    if (*it == "consent") return InteractionStage::consent;
    return std::nullopt;
}

std::string authorization_response_url(std::string_view redirect_uri, http::Params params, std::string_view issuer) {
    params.emplace_back("iss", std::string(issuer));
    std::string url(redirect_uri);
    url += redirect_uri.find('?') == std::string_view::npos ? '?' : '&';
    url += http::encode_params(params);
    return url;
}

std::string error_redirect_url(const ProviderContext& ctx, const RedirectTarget& target, oauth_error error,
                               std::string_view description) {
    http::Params params{{"error", std::string(wire_name(error))}};
    // RFC 6749 §4.1.2.1: printable ASCII without '"' and '\' (descriptions may quote the request).
    std::string text;
    for (char c : description)
        if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') text += c;
    if (!text.empty()) params.emplace_back("error_description", std::move(text));
    if (target.state) params.emplace_back("state", *target.state);
    return authorization_response_url(target.redirect_uri, std::move(params), ctx.issuer());
}

std::optional<storage::Session> session_of_browser(const ProviderContext& ctx, const http::Request& request) {
    auto cookie = request.cookie(login::session_cookie);
    if (!cookie || cookie->empty()) return std::nullopt;
    storage::Sessions sessions{ctx.db};
    return sessions.find_active(login::digest(*cookie), now_seconds(ctx));
}

bool browser_holds_session(const http::Request& request, std::string_view session_digest) {
    auto cookie = request.cookie(login::session_cookie);
    if (!cookie || cookie->empty() || session_digest.empty()) return false;
    return crypto::constant_time_equal(login::digest(*cookie), session_digest);
}

bool session_satisfies(const AuthorizationRequest& request, const storage::Session& session,
                       std::string_view session_subject, std::int64_t now) {
    if (request.has_prompt("login") || request.has_prompt("create")) return false;
    // Times are whole seconds: an auth_time of exactly max_age seconds ago may be up to a second
    // older, so it no longer satisfies the request (max_age=0 always asks for a new login).
    if (request.max_age && now - session.auth_time >= *request.max_age) return false;
    if (request.id_token_hint_subject && *request.id_token_hint_subject != session_subject) return false;
    return acr_meets(session.acr, request.acr_targets);
}

bool consent_needed(const Client& client, const AuthorizationRequest& request,
                    const std::optional<storage::Consent>& remembered) {
    if (request.has_prompt("consent")) return true;  // asked for explicitly, even by a first-party client
    if (client.config.first_party) return false;
    if (!remembered) return true;
    std::vector<std::string> granted;
    std::string_view rest = remembered->scope;
    while (!rest.empty()) {
        auto space = rest.find(' ');
        if (space != 0) granted.emplace_back(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
    return !std::all_of(request.scopes.begin(), request.scopes.end(), [&](const std::string& s) {
        return std::find(granted.begin(), granted.end(), s) != granted.end();
    });
}

login::LoginResult login_result_of(const storage::Session& session) {
    return {session.account_id, session.amr, session.acr, session.auth_time, session.digest};
}

std::string start_login_interaction(const ProviderContext& ctx, const AuthorizationRequest& request) {
    auto id = random_token(ctx.random, 32);
    auto json = to_json(request);
    json[stage_field] = stage_name(InteractionStage::login);
    auto now = now_seconds(ctx);
    storage::Interactions interactions{ctx.db};
    interactions.create(login::digest(id), json, now, now + ctx.config.oidc.interaction_lifetime);
    return id;
}

std::string start_consent_interaction(const ProviderContext& ctx, const AuthorizationRequest& request,
                                      const login::LoginResult& result) {
    auto id = random_token(ctx.random, 32);
    auto digest = login::digest(id);
    auto json = to_json(request);
    json[stage_field] = stage_name(InteractionStage::consent);
    auto now = now_seconds(ctx);
    auto lifetime = std::min<std::int64_t>(ctx.config.oidc.interaction_lifetime, consent_lifetime_cap);
    storage::Interactions interactions{ctx.db};
    ctx.db.transaction([&](storage::Connection& c) {
        interactions.create(c, digest, json, now, now + lifetime);
        interactions.complete(c, digest, login::to_json(result), now);
    });
    return id;
}

std::string issue_code(const ProviderContext& ctx, const AuthorizationRequest& request,
                       const login::LoginResult& result) {
    auto code = random_token(ctx.random, 32);
    auto now = now_seconds(ctx);

    issuance::CodeGrant grant;
    grant.redirect_uri = request.redirect_uri;
    grant.scope = issuance::ScopeSet(request.scopes.begin(), request.scopes.end());
    grant.auth_time = result.auth_time;
    grant.acr = result.acr;
    grant.amr = result.amr;
    grant.sid = sid_of(result.session_digest);
    grant.nonce = request.nonce;
    grant.id_token_claims = request.id_token_claims;
    grant.resources = request.resources;
    grant.dpop_jkt = request.dpop_jkt;
    if (request.code_challenge) {
        grant.code_challenge = request.code_challenge;
        grant.code_challenge_method = request.code_challenge_method.value_or("S256");
    }

    storage::AuthorizationCode stored;
    stored.digest = login::digest(code);
    stored.client_id = request.client_id;
    stored.account_id = result.account_id;
    stored.session_digest = result.session_digest;
    stored.payload = to_json(grant);
    stored.created_at = now;
    stored.expires_at = now + std::min<std::int64_t>(ctx.config.oidc.code_lifetime, 60);

    storage::AuthorizationCodes codes{ctx.db};
    storage::Sessions sessions{ctx.db};
    ctx.db.transaction([&](storage::Connection& c) {
        codes.create(c, stored);
        sessions.add_client(c, result.session_digest, request.client_id, now);
        sessions.touch(c, result.session_digest, now, now + ctx.config.oidc.session_idle);
    });

    http::Params params{{"code", code}};
    if (request.state) params.emplace_back("state", *request.state);
    return authorization_response_url(request.redirect_uri, std::move(params), ctx.issuer());
}

http::Response finish_authorization(const ProviderContext& ctx, const AuthorizationRequest& request,
                                    const login::LoginResult& result, int status) {
    const Client* client = ctx.clients.find(request.client_id);
    if (!client) {
        // The configuration changed under a pending request: nothing trustworthy to redirect to.
        return error_page(ctx, 400, "L'application qui demande la connexion n'est plus reconnue.");
    }
    std::optional<storage::Consent> remembered;
    if (!client->config.first_party) {
        storage::Consents consents{ctx.db};
        remembered = consents.find(result.account_id, request.client_id);
    }
    http::Response response;
    if (consent_needed(*client, request, remembered)) {
        response = http::Response::redirect(consent_url(start_consent_interaction(ctx, request, result)), status);
    } else {
        response = http::Response::redirect(issue_code(ctx, request, result), status);
    }
    response.headers.set("Cache-Control", "no-store");
    return response;
}

}  // namespace caf::oidc
