// "Mes autorisations": session, household, form, decision.
#include "account/web/delegation_pages.hpp"

#include "account/households/delegation.hpp"
#include "account/session/sso_session.hpp"
#include "account/web/account_context.hpp"
#include "account/web/page_support.hpp"
#include "core/login_contract.hpp"

namespace caf::account::households {
namespace {

constexpr std::string_view csrf_purpose = "autorisations";

std::optional<storage::Session> current_session(const http::Request& request, AccountContext& ctx) {
    return session::SsoSessions::from(ctx.config, ctx.db, ctx.random)
        .current(request, ctx.clock.now());
}

http::Response to(std::string_view path) { return http::Response::redirect(std::string(path), 303); }

http::Response render(const http::Request& request, AccountContext& ctx, const Household& household,
                      std::optional<std::string_view> confirmation, std::optional<std::string> error, int status) {
    auto issued = ctx.csrf.issue(request, csrf_purpose);
    auto data = authorisations_data(ctx, household);
    data["title"] = error ? "Erreur — Mes autorisations" : "Mes autorisations";
    data["csrf_field"] = CsrfGuard::field_name;
    data["csrf_token"] = issued.token;
    data["action"] = std::string(authorisations_path);
    data["step"] = false;
    // The page shows the current choice; the one-time question starts with none.
    data["yes_checked"] = household.dossier.delegation_granted;
    data["no_checked"] = !household.dossier.delegation_granted;
    if (confirmation) data["confirmation"] = std::string(*confirmation);
    if (error) data["errors"] = nlohmann::json::array({*error});
    data["has_errors"] = error.has_value();
    auto response = ctx.pages.page(status, "account_authorisations", data);
    CsrfGuard::apply(issued, response);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

}  // namespace

std::string_view delegation_confirmation(bool granted) noexcept {
    return granted ? "Nous vous confirmons que votre conjoint est maintenant autorisé à consulter l'ensemble du "
                     "dossier et à réaliser les démarches en ligne. Vous pouvez modifier ce choix depuis le menu > "
                     "Gérer mon compte."
                   : "Nous vous confirmons que votre conjoint ne peut plus consulter l'ensemble du dossier et "
                     "réaliser les démarches en ligne. Vous pouvez modifier ce choix depuis le menu > Gérer mon "
                     "compte.";
}

nlohmann::json authorisations_data(AccountContext& ctx, const Household& household) {
    const bool allocataire = household.role == storage::MemberRole::allocataire;
    std::string partner;
    if (auto id = household.partner()) partner = member_name(ctx.db, ctx.protector, *id);
    nlohmann::json data{{"manage", allocataire}, {"spouse_view", !allocataire},
                        {"granted", household.dossier.delegation_granted}};
    if (allocataire) data["spouse_name"] = partner.empty() ? "votre conjoint(e)" : partner;
    else data["allocataire_name"] = partner.empty() ? "Le responsable du dossier" : partner;
    return data;
}

http::Response show_authorisations(const http::Request& request, AccountContext& ctx) {
    auto session = current_session(request, ctx);
    if (!session) return to(login::login_path);
    auto household = household_of(ctx.db, session->account_id);
    if (!household || !household->has_delegation_page()) return to(login::account_home_path);
    // ?confirmation=oui|non after "Valider", shown only when it is still the dossier's state.
    std::optional<std::string_view> confirmation;
    const auto asked = http::find_param(request.query_params(), "confirmation");
    if (household->role == storage::MemberRole::allocataire && asked &&
        (*asked == "oui" || *asked == "non") && (*asked == "oui") == household->dossier.delegation_granted)
        confirmation = delegation_confirmation(household->dossier.delegation_granted);
    return render(request, ctx, *household, confirmation, std::nullopt, 200);
}

http::Response submit_authorisations(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, csrf_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    auto session = current_session(request, ctx);
    if (!session) return to(login::login_path);
    auto household = household_of(ctx.db, session->account_id);
    if (!household || !household->has_delegation_page()) return to(login::account_home_path);
    if (household->role != storage::MemberRole::allocataire) return to(authorisations_path);

    const auto choice = http::find_param(request.form_params(), "delegation").value_or("");
    if (choice != "oui" && choice != "non")
        return render(request, ctx, *household, std::nullopt, "Veuillez répondre Oui ou Non.", 400);
    const bool granted = choice == "oui";
    const auto now = to_unix_seconds(ctx.clock.now());
    auto outcome = ctx.db.transaction([&](storage::Connection& c) {
        return decide_delegation(ctx.db, c, session->account_id, granted, now);
    });
    if (outcome == DelegationChange::not_allowed) return to(login::account_home_path);
    return to(std::string(authorisations_path) + "?confirmation=" + std::string(choice));
}

void register_household_routes(http::Router& router, AccountContext& ctx) {
    using http::Execution;
    using http::Request;
    router.add("GET", std::string(authorisations_path), Execution::blocking,
               [&ctx](const Request& r) { return show_authorisations(r, ctx); });
    router.add("POST", std::string(authorisations_path), Execution::blocking,
               [&ctx](const Request& r) { return submit_authorisations(r, ctx); });
}

}  // namespace caf::account::households
