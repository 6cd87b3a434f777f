// The authorization endpoint and the return from the login pages.
#include "oidc/authorize/authorize_endpoint.hpp"

#include <variant>

#include "core/login_contract.hpp"
#include "oidc/authorize/acr_request.hpp"
#include "oidc/authorize/authorization_flow.hpp"
#include "oidc/authorize/pages.hpp"
#include "oidc/par/pushed_authorization.hpp"
#include "oidc/subject.hpp"
#include "storage/interactions.hpp"
#include "storage/sessions.hpp"

namespace caf::oidc {
namespace {

constexpr std::string_view expired_message =
    "Votre demande de connexion a expiré ou a déjà été utilisée. Retournez sur le site de l'application "
    "et cliquez à nouveau sur « Se connecter ».";
constexpr std::string_view other_browser_message =
    "Cette demande de connexion n'a pas été faite depuis ce navigateur. Retournez sur le site de "
    "l'application et recommencez la connexion.";

int redirect_status_for(const http::Request& request) { return request.method == "POST" ? 303 : 302; }

http::Response redirect(std::string location, int status) {
    auto response = http::Response::redirect(std::move(location), status);
    no_store(response);
    return response;
}

// What a resume finds, decided in one transaction so that the interaction is consumed only when
// this browser may use it.
struct Expired {};
struct NotYetCompleted {};
struct OtherBrowser {};
struct AwaitingConsent {};
struct Resumed {
    storage::Interaction interaction;
    login::LoginResult result;
};
using ResumeOutcome = std::variant<Expired, NotYetCompleted, OtherBrowser, AwaitingConsent, Resumed>;

ResumeOutcome take_completed_interaction(const ProviderContext& ctx, const http::Request& request,
                                         const std::string& digest, std::int64_t now) {
    storage::Interactions interactions{ctx.db};
    storage::Sessions sessions{ctx.db};
    return ctx.db.transaction([&](storage::Connection& c) -> ResumeOutcome {
        auto interaction = interactions.find(c, digest, now);
        if (!interaction) return Expired{};
        if (stage_of(interaction->request) == InteractionStage::consent) return AwaitingConsent{};
        if (!interaction->result) return NotYetCompleted{};
        auto result = login::login_result_from_json(*interaction->result);
        if (!result) return Expired{};
        if (!browser_holds_session(request, result->session_digest)) return OtherBrowser{};
        auto session = sessions.find_active(c, result->session_digest, now);
        if (!session || session->account_id != result->account_id) return OtherBrowser{};
        auto consumed = interactions.consume(c, digest, now);
        if (!consumed) return Expired{};
        return Resumed{std::move(*consumed), std::move(*result)};
    });
}

// prompt=login and max_age ask for a login after the request: an older one (a login page that
// reused a session) does not answer them.
bool login_is_fresh_enough(const AuthorizationRequest& request, const login::LoginResult& result,
                           std::int64_t interaction_created_at, std::int64_t now) {
    bool after_request = result.auth_time >= interaction_created_at;
    if (request.has_prompt("login") && !after_request) return false;
    if (request.max_age && now - result.auth_time >= *request.max_age && !after_request) return false;
    return true;
}

}  // namespace

http::Response authorization_error_response(const ProviderContext& ctx, const AuthorizationError& error, int status) {
    if (!error.redirect) return error_page(ctx, 400, error.page_message);
    return redirect(error_redirect_url(ctx, *error.redirect, error.error, error.description), status);
}

http::Response handle_authorize(const ProviderContext& ctx, const http::Request& http_request) {
    const int status = redirect_status_for(http_request);
    auto front_channel = http_request.method == "POST" ? http_request.form_params() : http_request.query_params();
    // A request_uri is consumed here: the interaction below keeps the request for the login.
    auto params = par::authorization_params(ctx, front_channel);
    if (!params) return authorization_error_response(ctx, params.error(), status);
    auto validated = validate_authorization_request(ctx, params->params);
    if (!validated) return authorization_error_response(ctx, validated.error(), status);
    const AuthorizationRequest& request = *validated;
    const RedirectTarget target{request.redirect_uri, request.state};
    if (!params->pushed && par::requires_pushed_request(ctx, *ctx.clients.find(request.client_id)))
        return redirect(error_redirect_url(ctx, target, oauth_error::invalid_request,
                                           "pushed authorization request required"),
                        status);
    const auto now = to_unix_seconds(ctx.clock.now());

    auto session = session_of_browser(ctx, http_request);
    bool session_fits =
        session && session_satisfies(request, *session, subject_of(ctx, session->account_id), now);

    if (request.has_prompt("none")) {
        if (!session_fits)
            return redirect(error_redirect_url(ctx, target, oauth_error::login_required, "no usable session"), status);
        const Client* client = ctx.clients.find(request.client_id);
        std::optional<storage::Consent> remembered;
        if (!client->config.first_party) remembered = storage::Consents{ctx.db}.find(session->account_id, client->id());
        if (consent_needed(*client, request, remembered))
            return redirect(error_redirect_url(ctx, target, oauth_error::consent_required, "consent required"), status);
        return redirect(issue_code(ctx, request, login_result_of(*session)), status);
    }
    if (session_fits) return finish_authorization(ctx, request, login_result_of(*session), status);

    auto id = start_login_interaction(ctx, request);
    // An acr only an upstream provider gives (eidas1): straight to it, the password form cannot answer.
    if (auto provider = provider_for_acr(ctx.config, request.acr_targets))
        return redirect(login::provider_start_url(*provider, id), status);
    return redirect(request.has_prompt("create") ? login::create_account_url(id) : login::login_url(id), status);
}

http::Response handle_authorize_resume(const ProviderContext& ctx, const http::Request& http_request) {
    auto params = http_request.query_params();
    auto id = http::find_param(params, "interaction");
    if (!id || id->empty() || http::is_repeated(params, "interaction"))
        return error_page(ctx, 400, expired_message, "Demande expirée");
    const auto now = to_unix_seconds(ctx.clock.now());

    auto outcome = take_completed_interaction(ctx, http_request, login::digest(*id), now);
    if (std::holds_alternative<Expired>(outcome)) return error_page(ctx, 400, expired_message, "Demande expirée");
    if (std::holds_alternative<OtherBrowser>(outcome)) return error_page(ctx, 403, other_browser_message);
    if (std::holds_alternative<NotYetCompleted>(outcome)) return redirect(login::login_url(*id), 302);
    if (std::holds_alternative<AwaitingConsent>(outcome)) return redirect(consent_url(*id), 302);

    auto& resumed = std::get<Resumed>(outcome);
    auto request = authorization_request_from_json(resumed.interaction.request);
    if (!request) return error_page(ctx, 400, expired_message, "Demande expirée");
    if (!ctx.clients.find(request->client_id) ||
        !ctx.clients.find(request->client_id)->has_redirect_uri(request->redirect_uri))
        return error_page(ctx, 400, "L'application qui demande la connexion n'est plus reconnue.");
    if (!login_is_fresh_enough(*request, resumed.result, resumed.interaction.created_at, now))
        return redirect(error_redirect_url(ctx, {request->redirect_uri, request->state}, oauth_error::login_required,
                                           "a new authentication was required"),
                        302);
    if (request->acr_essential && !acr_meets(resumed.result.acr, request->acr_targets))
        return redirect(error_redirect_url(ctx, {request->redirect_uri, request->state},
                                           oauth_error::unmet_authentication_requirements,
                                           "the authentication does not give the requested acr"),
                        302);
    return finish_authorization(ctx, *request, resumed.result, 302);
}

}  // namespace caf::oidc
