// The account home and logout handlers.
#include "account/web/account_home.hpp"

#include <nlohmann/json.hpp>

#include "account/households/household.hpp"
#include "account/identifiers/nir.hpp"
#include "account/identity/sealed_person.hpp"
#include "account/session/sso_session.hpp"
#include "account/web/account_context.hpp"
#include "account/web/linking_pages.hpp"
#include "account/web/step_pages.hpp"
#include "core/login_contract.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"

namespace caf::account {
namespace {

constexpr std::string_view logout_purpose = "logout";

session::SsoSessions sso_sessions(AccountContext& ctx) {
    return session::SsoSessions::from(ctx.config, ctx.db, ctx.random);
}

http::Response to_login() { return http::Response::redirect(std::string(login::login_path), 303); }

}  // namespace

std::string mask_identifier(std::string_view canonical) {
    if (canonical.size() == 9 && canonical[0] == 'P') return "P****" + std::string(canonical.substr(5));
    if (canonical.size() != 13) return "***";
    // Grouped as on the Carte Vitale: 1 63 06 31 555 082.
    std::string out;
    out += canonical[0];
    out += ' ';
    out += canonical.substr(1, 2);
    out += " ** ** *** ";
    out += canonical.substr(10, 3);
    return out;
}

http::Response show_account_home(const http::Request& request, AccountContext& ctx) {
    auto sessions = sso_sessions(ctx);
    auto current = sessions.current(request, ctx.clock.now());
    if (!current) return to_login();
    auto account = storage::Accounts(ctx.db).find(current->account_id);
    if (!account || account->status != "active") {
        sessions.end(request, ctx.clock.now());
        auto response = to_login();
        response.headers.add("Set-Cookie", session::SsoSessions::clearing_cookie());
        return response;
    }

    nlohmann::json data{{"title", "Gérer Mon Compte"}};
    if (auto person = open_person(ctx.protector, *account)) data["person_name"] = display_name(*person);
    // "Mes autorisations": only for the allocataire and the spouse of a couple (SPEC.md §7).
    if (auto household = households::household_of(ctx.db, account->id); household && household->has_delegation_page())
        data["authorisations"] = true;
    // "Connexion avec FranceConnect": the account's links, each with "Dissocier".
    if (!ctx.config.providers.empty()) data["external_links"] = {{"links", linking::account_home_links(ctx, account->id)}};
    if (account->nir_sealed) {
        if (auto nir = ctx.protector.open(PersonalDataKind::nir, *account->nir_sealed))
            data["identifier_masked"] = mask_identifier(*nir);
    } else if (account->provisional_id) {
        data["identifier_masked"] = mask_identifier(*account->provisional_id);
        data["provisional"] = true;
    }
    auto issued = ctx.csrf.issue(request, logout_purpose);
    data["csrf_field"] = CsrfGuard::field_name;
    data["csrf_token"] = issued.token;
    auto response = ctx.pages.page(200, "account_home", data);
    CsrfGuard::apply(issued, response);
    return response;
}

http::Response submit_logout(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, logout_purpose)) {
        return ctx.pages.page(403, "account_message",
                              {{"title", "Formulaire expiré"},
                               {"heading", "Formulaire expiré"},
                               {"message", "Pour votre sécurité, ce formulaire n'est plus valable. Revenez à "
                                           "Mon Compte et recommencez."},
                               {"link_href", std::string(login::account_home_path)},
                               {"link_text", "Revenir à Mon Compte"}});
    }
    const auto now = ctx.clock.now();
    std::optional<std::pair<std::string, std::string>> upstream;  // provider, raw ID token
    sso_sessions(ctx).end(request, now, [&](storage::Connection& c, const storage::Session& ended) {
        upstream.reset();
        if (ended.upstream_provider && ended.upstream_id_token)
            upstream.emplace(*ended.upstream_provider, *ended.upstream_id_token);
        storage::NewAuditEntry entry;
        entry.at = to_unix_seconds(now);
        entry.actor_type = "account";
        entry.actor_id = std::to_string(ended.account_id);
        entry.action = "logout";
        entry.account_id = ended.account_id;
        storage::AuditLog(ctx.db).append(c, entry);
    });
    auto response = http::Response::redirect("/deconnexion", 303);
    // Opened through FranceConnect (or another provider): end that session too, then come back.
    if (upstream && ctx.upstream_logout) {
        if (auto chained = ctx.upstream_logout->start(upstream->first, upstream->second, "/deconnexion", now)) {
            response = http::Response::redirect(chained->location, 303);
            response.headers.add("Set-Cookie", chained->set_cookie);
        }
    }
    response.headers.add("Set-Cookie", session::SsoSessions::clearing_cookie());
    return response;
}

http::Response show_logged_out(const http::Request&, AccountContext& ctx) {
    return ctx.pages.page(200, "account_message",
                          {{"title", "Déconnexion"},
                           {"heading", "Vous êtes déconnecté"},
                           {"message", "Vous êtes déconnecté de Mon Compte. Pensez à fermer votre navigateur si "
                                       "vous utilisez un ordinateur partagé."},
                           {"link_href", std::string(login::login_path)},
                           {"link_text", "Se connecter"}});
}

http::Response show_cgu(const http::Request&, AccountContext& ctx) {
    auto text = steps::cgu_text(ctx.config.cgu.text_dir, ctx.config.cgu.version);
    if (!text)
        return ctx.pages.page(503, "account_message",
                              {{"title", "Conditions générales d'utilisation"},
                               {"heading", "Conditions générales d'utilisation"},
                               {"message", "Le texte des conditions générales d'utilisation est momentanément "
                                           "indisponible. Réessayez dans quelques instants."}});
    nlohmann::json data{{"title", "Conditions générales d'utilisation"},
                        {"cgu_html", *text},
                        {"cgu_version", ctx.config.cgu.version},
                        {"login_path", std::string(login::login_path)}};
    return ctx.pages.page(200, "cgu_page", data);
}

}  // namespace caf::account
