// RP-initiated logout and the logout confirmation page.
#include "oidc/logout/logout_endpoint.hpp"

#include <algorithm>

#include "core/login_contract.hpp"
#include "oidc/authorize/authorization_flow.hpp"
#include "oidc/authorize/id_token_hint.hpp"
#include "oidc/authorize/pages.hpp"
#include "oidc/subject.hpp"
#include "storage/audit_log.hpp"
#include "storage/session_end.hpp"
#include "storage/sessions.hpp"

namespace caf::oidc {
namespace {

constexpr std::string_view invalid_message =
    "La demande de déconnexion de l'application n'est pas valide. Vous pouvez vous déconnecter depuis "
    "Mon Compte.";

// The validated parameters: `client` and `redirect_uri` are set only when they belong together.
struct LogoutRequest {
    std::optional<IdTokenHint> hint;
    const Client* client = nullptr;
    std::optional<std::string> post_logout_redirect_uri;
    std::optional<std::string> state;
};

std::optional<LogoutRequest> validate(const ProviderContext& ctx, const http::Params& params) {
    for (const auto& [name, value] : params)
        if (http::is_repeated(params, name)) return std::nullopt;
    LogoutRequest request;
    std::optional<std::string> client_id = http::find_param(params, "client_id");
    if (auto token = http::find_param(params, "id_token_hint")) {
        request.hint = verify_id_token_hint(ctx, *token);
        if (!request.hint) return std::nullopt;  // tampered, foreign or not ours
        auto hint_client = request.hint->client_id();
        if (client_id) {
            const auto& audiences = request.hint->audiences;
            if (std::find(audiences.begin(), audiences.end(), *client_id) == audiences.end()) return std::nullopt;
        } else {
            client_id = hint_client;
        }
    }
    if (client_id) {
        request.client = ctx.clients.find(*client_id);
        if (!request.client) return std::nullopt;
    }
    request.post_logout_redirect_uri = http::find_param(params, "post_logout_redirect_uri");
    if (request.post_logout_redirect_uri &&
        (!request.client || !request.client->has_post_logout_redirect_uri(*request.post_logout_redirect_uri)))
        return std::nullopt;
    request.state = http::find_param(params, "state");
    return request;
}

void clear_session_cookie(http::Response& response) {
    http::CookieOptions options;
    options.max_age_seconds = 0;
    response.headers.add("Set-Cookie", http::set_cookie_value(login::session_cookie, "", options));
}

// The upstream provider a session was opened through (provider, raw ID token), read before the
// session is ended: its logout is chained.
using UpstreamOfSession = std::optional<std::pair<std::string, std::string>>;
UpstreamOfSession upstream_of(const std::optional<storage::Session>& session) {
    if (!session || !session->upstream_provider || !session->upstream_id_token) return std::nullopt;
    return std::pair{*session->upstream_provider, *session->upstream_id_token};
}

// After the session is ended: through the upstream provider's logout when the session came from
// one, then back to the client when it gave a registered URI, else the page.
http::Response logged_out(const ProviderContext& ctx, const LogoutRequest& request, int status,
                          const UpstreamOfSession& upstream = std::nullopt) {
    http::Response response;
    std::optional<std::string> client_url;
    if (request.post_logout_redirect_uri) {
        std::string url = *request.post_logout_redirect_uri;
        if (request.state) {
            url += url.find('?') == std::string::npos ? '?' : '&';
            url += "state=" + http::url_encode(*request.state);
        }
        client_url = std::move(url);
    }
    std::optional<UpstreamLogoutRedirect> chained;
    if (upstream && ctx.upstream_logout)
        chained = ctx.upstream_logout->start(upstream->first, upstream->second, client_url.value_or("/deconnexion"),
                                             ctx.clock.now());
    if (chained) {
        response = http::Response::redirect(chained->location, status);
        response.headers.add("Set-Cookie", chained->set_cookie);
        no_store(response);
    } else if (client_url) {
        response = http::Response::redirect(std::move(*client_url), status);
        no_store(response);
    } else {
        response = page(ctx, 200, "oidc_logged_out", {{"title", "Vous êtes déconnecté"}});
    }
    clear_session_cookie(response);
    return response;
}

http::Response confirmation_page(const ProviderContext& ctx, const http::Request& http_request,
                                 const LogoutRequest& request) {
    auto csrf = ctx.csrf.issue(http_request, logout_csrf_purpose);
    nlohmann::json data{
        {"title", "Déconnexion"},
        {"action", logout_path},
        {"csrf_field", CsrfGuard::field_name},
        {"csrf", csrf.token},
    };
    if (request.client) data["client_id"] = request.client->id();
    if (request.post_logout_redirect_uri) data["post_logout_redirect_uri"] = *request.post_logout_redirect_uri;
    if (request.state) data["state"] = *request.state;
    auto response = page(ctx, 200, "oidc_logout_confirm", data);
    CsrfGuard::apply(csrf, response);
    return response;
}

}  // namespace

bool end_sso_session(const ProviderContext& ctx, const std::string& session_digest,
                     const std::optional<std::string>& client_id, std::string_view initiated_by) {
    const auto now = to_unix_seconds(ctx.clock.now());
    storage::Sessions sessions{ctx.db};
    storage::AuditLog audit{ctx.db};
    return ctx.db.transaction([&](storage::Connection& c) {
        auto session = sessions.find(c, session_digest);
        if (!session || session->revoked_at) return false;
        const auto ended = storage::end_session(c, session_digest, now);
        nlohmann::json details{{"initiated_by", initiated_by},
                               {"revoked_access_tokens", ended.access_tokens_revoked},
                               {"revoked_refresh_tokens", ended.refresh_tokens_revoked},
                               {"backchannel_logouts", ended.logouts_queued}};
        if (client_id) details["client_id"] = *client_id;
        audit.append(c, {now, "account", std::to_string(session->account_id), "session.logout", session->account_id,
                         std::move(details)});
        return true;
    });
}

http::Response handle_logout(const ProviderContext& ctx, const http::Request& http_request) {
    const bool is_post = http_request.method == "POST";
    const int status = is_post ? 303 : 302;
    auto params = is_post ? http_request.form_params() : http_request.query_params();
    auto request = validate(ctx, params);
    if (!request) return error_page(ctx, 400, invalid_message, "Déconnexion impossible");

    auto cookie = http_request.cookie(login::session_cookie);
    std::optional<std::string> client_id;
    if (request->client) client_id = request->client->id();

    if (request->hint) {
        // The relying party vouches for the logout of the person it names; a browser where someone
        // else is logged in is asked instead.
        auto session = session_of_browser(ctx, http_request);
        if (session && subject_of(ctx, session->account_id) != request->hint->subject)
            return confirmation_page(ctx, http_request, *request);
        if (session) end_sso_session(ctx, session->digest, client_id, "client");
        return logged_out(ctx, *request, status, upstream_of(session));
    }

    if (is_post && http::find_param(params, "decision") == "deconnecter") {
        if (!ctx.csrf.verify(http_request, logout_csrf_purpose))
            return error_page(ctx, 403, "Le formulaire a expiré. Veuillez recommencer la déconnexion.",
                              "Déconnexion impossible");
        UpstreamOfSession upstream;
        if (cookie && !cookie->empty()) {
            const auto digest = login::digest(*cookie);
            upstream = upstream_of(ctx.db.read([&](storage::Connection& c) { return storage::Sessions(ctx.db).find(c, digest); }));
            // Only a session this request actually ends chains the provider's logout.
            if (!end_sso_session(ctx, digest, client_id, "user")) upstream.reset();
        }
        return logged_out(ctx, *request, status, upstream);
    }
    return confirmation_page(ctx, http_request, *request);
}

}  // namespace caf::oidc
