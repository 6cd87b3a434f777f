// Consent: the page listing the data a client receives, and the Autoriser / Refuser answer.
#include "oidc/consent/consent_endpoint.hpp"

#include <algorithm>
#include <variant>

#include "core/login_contract.hpp"
#include "oidc/authorize/authorization_flow.hpp"
#include "oidc/authorize/authorization_request.hpp"
#include "oidc/authorize/pages.hpp"
#include "storage/audit_log.hpp"
#include "storage/interactions.hpp"
#include "storage/sessions.hpp"
#include "storage/tokens.hpp"

namespace caf::oidc {
namespace {

constexpr std::string_view expired_message =
    "Votre demande d'autorisation a expiré ou a déjà reçu une réponse. Retournez sur le site de "
    "l'application et recommencez la connexion.";
constexpr std::string_view other_browser_message =
    "Cette demande d'autorisation n'a pas été faite depuis ce navigateur. Retournez sur le site de "
    "l'application et recommencez la connexion.";

struct Pending {
    AuthorizationRequest request;
    login::LoginResult result;
};
struct Expired {};
struct OtherBrowser {};
using PendingOutcome = std::variant<Expired, OtherBrowser, Pending>;

// A consent interaction usable by this browser; consumed when `consume` (the answer).
PendingOutcome pending_consent(const ProviderContext& ctx, const http::Request& http_request, std::string_view id,
                               bool consume) {
    const auto now = to_unix_seconds(ctx.clock.now());
    const auto digest = login::digest(id);
    storage::Interactions interactions{ctx.db};
    storage::Sessions sessions{ctx.db};
    auto decide = [&](storage::Connection& c) -> PendingOutcome {
        auto interaction = interactions.find(c, digest, now);
        if (!interaction || stage_of(interaction->request) != InteractionStage::consent || !interaction->result)
            return Expired{};
        auto result = login::login_result_from_json(*interaction->result);
        auto request = authorization_request_from_json(interaction->request);
        if (!result || !request) return Expired{};
        if (!browser_holds_session(http_request, result->session_digest)) return OtherBrowser{};
        auto session = sessions.find_active(c, result->session_digest, now);
        if (!session || session->account_id != result->account_id) return OtherBrowser{};
        if (consume && !interactions.consume(c, digest, now)) return Expired{};
        return Pending{std::move(*request), std::move(*result)};
    };
    return consume ? ctx.db.transaction(decide) : ctx.db.read(decide);
}

http::Response answer_for(const ProviderContext& ctx, const PendingOutcome& outcome) {
    if (std::holds_alternative<OtherBrowser>(outcome)) return error_page(ctx, 403, other_browser_message);
    return error_page(ctx, 400, expired_message, "Demande expirée");
}

std::string scope_union(std::string_view remembered, const std::vector<std::string>& granted) {
    std::vector<std::string> all;
    while (!remembered.empty()) {
        auto space = remembered.find(' ');
        auto word = remembered.substr(0, space);
        if (!word.empty()) all.emplace_back(word);
        remembered = space == std::string_view::npos ? std::string_view{} : remembered.substr(space + 1);
    }
    for (const auto& s : granted)
        if (std::find(all.begin(), all.end(), s) == all.end()) all.push_back(s);
    std::string out;
    for (const auto& s : all) out += (out.empty() ? "" : " ") + s;
    return out;
}

http::Response see_other(std::string location) {
    auto response = http::Response::redirect(std::move(location), 303);
    no_store(response);
    return response;
}

}  // namespace

std::vector<std::string> consent_descriptions(const std::vector<std::string>& scopes) {
    std::vector<std::string> out;
    for (const auto& scope : scopes) {
        if (scope == "openid")
            out.emplace_back("un identifiant de connexion, qui ne révèle aucune donnée personnelle");
        else if (scope == "profile")
            out.emplace_back("votre identité : nom, prénoms, date et lieu de naissance, sexe");
        else if (scope == "email")
            out.emplace_back("votre adresse électronique");
        else if (scope == "phone")
            out.emplace_back("votre numéro de téléphone");
        else if (scope == "caf_nir")
            out.emplace_back("votre numéro de sécurité sociale (NIR)");
        else if (scope == "caf_dossier")
            out.emplace_back("votre dossier Caf : numéro de dossier, rôle et autorisations");
        else if (scope == "offline_access")
            out.emplace_back("rester connecté à l'application, même après votre déconnexion de Mon Compte");
        else
            out.emplace_back("l'accès « " + scope + " »");
    }
    return out;
}

http::Response handle_consent_page(const ProviderContext& ctx, const http::Request& http_request) {
    auto params = http_request.query_params();
    auto id = http::find_param(params, "interaction");
    if (!id || id->empty()) return error_page(ctx, 400, expired_message, "Demande expirée");
    auto outcome = pending_consent(ctx, http_request, *id, false);
    if (!std::holds_alternative<Pending>(outcome)) return answer_for(ctx, outcome);
    const auto& pending = std::get<Pending>(outcome);

    auto csrf = ctx.csrf.issue(http_request, consent_csrf_purpose);
    nlohmann::json data{
        {"title", "Autoriser l'accès à vos informations"},
        {"client_name", pending.request.client_name},
        {"items", consent_descriptions(pending.request.scopes)},
        {"csrf_field", CsrfGuard::field_name},
        {"csrf", csrf.token},
        {"interaction", *id},
        {"action", consent_path},
    };
    auto response = page(ctx, 200, "oidc_consent", data);
    CsrfGuard::apply(csrf, response);
    return response;
}

http::Response handle_consent_answer(const ProviderContext& ctx, const http::Request& http_request) {
    if (!ctx.csrf.verify(http_request, consent_csrf_purpose))
        return error_page(ctx, 403,
                          "Le formulaire a expiré. Retournez sur le site de l'application et recommencez la connexion.");
    const auto& form = http_request.form_params();
    auto id = http::find_param(form, "interaction");
    auto decision = http::find_param(form, "decision");
    if (!id || id->empty() || !decision || (*decision != "autoriser" && *decision != "refuser"))
        return error_page(ctx, 400, expired_message, "Demande expirée");

    auto outcome = pending_consent(ctx, http_request, *id, true);
    if (!std::holds_alternative<Pending>(outcome)) return answer_for(ctx, outcome);
    const auto& pending = std::get<Pending>(outcome);
    const auto now = to_unix_seconds(ctx.clock.now());
    const Client* client = ctx.clients.find(pending.request.client_id);
    if (!client || !client->has_redirect_uri(pending.request.redirect_uri))
        return error_page(ctx, 400, "L'application qui demande la connexion n'est plus reconnue.");

    storage::AuditLog audit{ctx.db};
    storage::NewAuditEntry entry{now, "account", std::to_string(pending.result.account_id), "",
                                 pending.result.account_id,
                                 {{"client_id", pending.request.client_id}, {"scope", pending.request.scope()}}};
    if (*decision == "refuser") {
        entry.action = "consent.refused";
        audit.append(entry);
        return see_other(error_redirect_url(ctx, {pending.request.redirect_uri, pending.request.state},
                                            oauth_error::access_denied, "the user refused access"));
    }

    storage::Consents consents{ctx.db};
    ctx.db.transaction([&](storage::Connection& c) {
        auto remembered = consents.find(c, pending.result.account_id, pending.request.client_id);
        consents.grant(c, {pending.result.account_id, pending.request.client_id,
                           scope_union(remembered ? remembered->scope : "", pending.request.scopes), now});
        entry.action = "consent.granted";
        audit.append(c, entry);
    });
    return see_other(issue_code(ctx, pending.request, pending.result));
}

}  // namespace caf::oidc
