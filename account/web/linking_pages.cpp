// Linking pages: parse, call, render. The rules are in external_links.cpp and LoginService.
#include "account/web/linking_pages.hpp"

#include <nlohmann/json.hpp>

#include "account/creation/creation_draft.hpp"
#include "account/creation/identity_document.hpp"
#include "account/creation/prefilled_civil_status.hpp"
#include "account/linking/external_links.hpp"
#include "account/linking/pending_external_identity.hpp"
#include "account/lockout/lockout_messages.hpp"
#include "account/login/login_form.hpp"
#include "account/login/login_service.hpp"
#include "account/session/sso_session.hpp"
#include "account/steps/pending_login.hpp"
#include "account/web/account_context.hpp"
#include "account/web/creation_pages.hpp"
#include "account/web/login_finish.hpp"
#include "account/web/login_page.hpp"
#include "account/web/page_support.hpp"
#include "core/login_contract.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/error.hpp"
#include "storage/external_links.hpp"

namespace caf::account::linking {
namespace {

constexpr std::string_view choice_purpose = "linking";
constexpr std::string_view unlink_purpose = "external-unlink";

PendingExternalIdentities pending_identities(AccountContext& ctx) {
    return PendingExternalIdentities(ctx.db, ctx.random);
}

http::Response no_store(http::Response response) {
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response to_login() {
    auto response = http::Response::redirect(std::string(login::login_path), 303);
    response.headers.add("Set-Cookie", PendingExternalIdentities::clearing_cookie());
    return response;
}

// The configured label of a provider ("FranceConnect"); its name until the config has it.
std::string provider_label(AccountContext& ctx, const std::string& name) {
    for (const auto& p : ctx.config.providers)
        if (p.name == name) return p.label;
    return name;
}

// The same for a name read from a URL: only a configured provider is named back.
std::string label_from_query(AccountContext& ctx, const http::Request& request) {
    const auto name = http::find_param(request.query_params(), "fournisseur").value_or("");
    for (const auto& p : ctx.config.providers)
        if (p.name == name) return p.label;
    return "FranceConnect";
}

struct ChoiceState {
    std::string identifier;
    std::optional<std::string> identifier_error;
    std::optional<std::string> password_error;
    std::optional<std::string> alert;
    bool captcha = false;
    std::optional<std::string> captcha_error;
};

http::Response render_choice(const http::Request& request, AccountContext& ctx, const PendingExternalIdentity& p,
                             const ChoiceState& s, int status) {
    auto issued = ctx.csrf.issue(request, choice_purpose);
    const bool error = s.identifier_error || s.password_error || s.alert;
    const std::string title = "Associer votre identité " + p.provider_label;
    nlohmann::json data{{"title", error ? "Erreur — " + title : title},
                        {"provider_label", p.provider_label},
                        {"lines", creation::locked_pivot_lines(p.person)},
                        {"csrf_field", CsrfGuard::field_name},
                        {"csrf_token", issued.token},
                        {"action", std::string(choice_path)},
                        {"create_action", std::string(create_path)},
                        {"identifier", s.identifier},
                        {"forgot_password_link", with_interaction("/mot-de-passe-oublie", p.interaction_id)},
                        {"login_link", with_interaction(login::login_path, p.interaction_id)},
                        {"scripts", {"/static/identifiant.js"}}};
    if (s.identifier_error) data["identifier_error"] = *s.identifier_error;
    if (s.password_error) data["password_error"] = *s.password_error;
    if (s.alert) data["alert"] = *s.alert;
    if (s.captcha) add_captcha(data, ctx, issued.token, s.captcha_error);
    auto response = ctx.pages.page(status, "account_linking_choice", data);
    CsrfGuard::apply(issued, response);
    return no_store(std::move(response));
}

// The password was right but the account is someone else's état civil: nothing linked, no
// session, and the owner's account is left as it was. Audited, without personal data.
http::Response pivot_disagrees(AccountContext& ctx, const PendingExternalIdentity& p, std::int64_t account_id,
                               TimePoint now) {
    ctx.db.transaction([&](storage::Connection& c) {
        storage::NewAuditEntry entry;
        entry.at = to_unix_seconds(now);
        entry.actor_type = "account";
        entry.actor_id = std::to_string(account_id);
        entry.action = "external_link.refused";
        entry.account_id = account_id;
        entry.details = {{"provider", p.provider}, {"reason", "pivot_mismatch"}};
        storage::AuditLog(ctx.db).append(c, entry);
    });
    auto response = ctx.pages.page(
        409, "account_message",
        {{"title", "Association impossible"},
         {"heading", "Association impossible"},
         {"message", "L'identité transmise par " + p.provider_label +
                         " ne correspond pas à l'état civil de ce compte Caf : nous ne pouvons pas les associer. "
                         "Vérifiez le numéro de Sécurité sociale saisi, ou connectez-vous avec votre numéro de "
                         "Sécurité sociale et votre mot de passe. Si votre état civil est inexact, contactez votre Caf."},
         {"link_href", with_interaction(login::login_path, p.interaction_id)},
         {"link_text", "Revenir à la connexion"}});
    response.headers.add("Set-Cookie", PendingExternalIdentities::clearing_cookie());
    return no_store(std::move(response));
}

// "J'ai déjà un compte" proved: linked if the pivot agrees, the owner told, the pending identity
// gone, logged in through the provider.
http::Response link_and_log_in(const http::Request& request, AccountContext& ctx, const LoadedExternalIdentity& loaded,
                               const password_login::Authenticated& ok) {
    const auto now = ctx.clock.now();
    const auto& p = loaded.value;
    auto account = storage::Accounts(ctx.db).find(ok.account_id);
    if (!account || !pivot_agrees(ctx.protector, *account, p.person)) return pivot_disagrees(ctx, p, ok.account_id, now);
    LoginToComplete login{ok.account_id, p.interaction_id, p.client_id, p.amr, p.acr, p.provider,
                          session::UpstreamLogin{p.provider, p.id_token}};
    auto pending = pending_identities(ctx);
    FinishedLogin finished;
    try {
        finished = finish_login(request, ctx, login, ok.pending, now, [&](storage::Connection& c) {
            link_with_password(c, ctx.db, ctx.protector, *account, p.provider, p.provider_label, p.subject, now);
            pending.remove(c, loaded.id);
        });
    } catch (const storage::StoreError& e) {
        if (e.kind() != storage::ErrorKind::conflict) throw;
        // That identity got linked to another account meanwhile (another tab): nothing changed here.
        auto response = ctx.pages.page(
            409, "account_message",
            {{"title", "Association impossible"},
             {"heading", "Association impossible"},
             {"message", "Votre identité " + p.provider_label +
                             " est déjà associée à un autre compte Caf. Connectez-vous avec " + p.provider_label +
                             " pour y accéder, ou contactez votre Caf."},
             {"link_href", with_interaction(login::login_path, p.interaction_id)},
             {"link_text", "Revenir à la connexion"}});
        response.headers.add("Set-Cookie", PendingExternalIdentities::clearing_cookie());
        return no_store(std::move(response));
    }
    http::Response response;
    if (finished.interaction_expired) {
        response = expired_interaction_page(ctx.pages);
    } else {
        std::string extra = "fournisseur=" + http::url_encode(p.provider);
        response = http::Response::redirect(with_interaction(linked_path, p.interaction_id, extra), 303);
    }
    finished.add_cookies(response);
    response.headers.add("Set-Cookie", PendingExternalIdentities::clearing_cookie());
    return no_store(std::move(response));
}

}  // namespace

http::Response show_choice(const http::Request& request, AccountContext& ctx) {
    auto loaded = pending_identities(ctx).load(request, ctx.clock.now());
    if (!loaded) return to_login();
    return render_choice(request, ctx, loaded->value, ChoiceState{}, 200);
}

http::Response submit_existing_account(const http::Request& request, AccountContext& ctx) {
    auto loaded = pending_identities(ctx).load(request, ctx.clock.now());
    if (!loaded) return to_login();
    const auto& p = loaded->value;
    if (!ctx.csrf.verify(request, choice_purpose)) return refused_form_page(ctx.pages, p.interaction_id);

    const auto now = ctx.clock.now();
    const auto form = read_login_form(request.form_params());
    ChoiceState s;
    s.identifier = form.identifier;
    s.captcha = !form.captcha_id.empty();

    // The same per-address budget as the login page: this form proves a password too.
    if (auto wait = hit_login_ip_limit(request, ctx, now)) {
        s.alert = ip_rate_limit_message(*wait);
        auto response = render_choice(request, ctx, p, s, 429);
        response.headers.set("Retry-After", std::to_string(wait->count()));
        return response;
    }
    if (http::find_param(request.form_params(), "nouvelle_image")) {
        s.captcha = true;
        return render_choice(request, ctx, p, s, 200);
    }

    const auto rules = step_rules(ctx.config);
    password_login::LoginService service(ctx.db, ctx.protector, ctx.hasher, ctx.lockout, ctx.captcha, &rules);
    const auto binding = http::find_param(request.form_params(), CsrfGuard::field_name).value_or("");
    auto outcome = service.attempt(form, now, binding);
    if (const auto* ok = std::get_if<password_login::Authenticated>(&outcome))
        return link_and_log_in(request, ctx, *loaded, *ok);

    // Every refusal says what the login page says, on the same fields.
    int status = 400;
    if (const auto* wrong = std::get_if<password_login::WrongCredentials>(&outcome)) {
        s.alert = wrong_credentials_message(wrong->attempts_left, ctx.lockout.config().freeze_after_failures, wrong->kind);
        if (wrong->captcha_required) s.captcha = true;
    } else if (const auto* frozen = std::get_if<password_login::Frozen>(&outcome)) {
        s.alert = frozen_message(frozen->remaining);
        s.captcha = true;
        status = 429;
    } else if (const auto* invalid = std::get_if<password_login::InvalidIdentifier>(&outcome)) {
        s.identifier_error = invalid->message;
    } else if (const auto* missing = std::get_if<password_login::MissingPassword>(&outcome)) {
        s.password_error = missing->message;
    } else if (const auto* refused = std::get_if<password_login::CaptchaRefused>(&outcome)) {
        s.captcha = true;
        s.captcha_error = password_login::captcha_message(refused->missing);
        s.alert = *s.captcha_error;
    }
    auto response = render_choice(request, ctx, p, s, status);
    if (const auto* frozen = std::get_if<password_login::Frozen>(&outcome))
        response.headers.set("Retry-After", std::to_string(frozen->remaining.count()));
    return response;
}

http::Response show_linked(const http::Request& request, AccountContext& ctx) {
    const auto label = label_from_query(ctx, request);
    // Where the login goes on: the steps still pending, else the client (or "Gérer Mon Compte").
    const bool steps_pending = steps::PendingLogins(ctx.db, ctx.random).load(request, ctx.clock.now()).has_value();
    const auto next = steps_pending ? std::string(steps::steps_path) : after_login_url(interaction_param(request));
    return no_store(ctx.pages.page(200, "account_message",
                                   {{"title", "Compte associé"},
                                    {"heading", "Compte associé"},
                                    {"message", "Votre identité " + label +
                                                    " est maintenant associée à votre compte. Vous pourrez "
                                                    "désormais vous connecter avec " + label + "."},
                                    {"link_href", next},
                                    {"link_text", "Continuer"}}));
}

http::Response start_prefilled_creation(const http::Request& request, AccountContext& ctx) {
    auto loaded = pending_identities(ctx).load(request, ctx.clock.now());
    if (!loaded) return to_login();
    if (!ctx.csrf.verify(request, choice_purpose)) return refused_form_page(ctx.pages, loaded->value.interaction_id);
    creation::CreationDraft draft;
    draft.interaction_id = loaded->value.interaction_id;
    draft.external = loaded->value;
    draft.external_pending_id = loaded->id;
    creation::CreationDrafts drafts(ctx.db, ctx.random,
                                    std::chrono::minutes(ctx.config.creation.draft_lifetime_minutes));
    auto response = http::Response::redirect(std::string(creation::stage_path), 303);
    response.headers.add("Set-Cookie", drafts.start(std::move(draft), ctx.clock.now()));
    return response;
}

// ---- "Gérer Mon Compte" ----

namespace {

struct Owner {
    std::int64_t account_id = 0;
};

std::optional<Owner> owner_of(const http::Request& request, AccountContext& ctx) {
    auto sessions = session::SsoSessions::from(ctx.config, ctx.db, ctx.random);
    auto current = sessions.current(request, ctx.clock.now());
    if (!current) return std::nullopt;
    return Owner{current->account_id};
}

std::optional<storage::ExternalLink> link_of(AccountContext& ctx, std::int64_t account_id, const std::string& provider) {
    for (auto& link : storage::ExternalLinks(ctx.db).list_of_account(account_id))
        if (link.provider == provider) return link;
    return std::nullopt;
}

std::string french_day(std::int64_t unix_seconds) {
    const auto days = std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds{std::chrono::seconds{unix_seconds}});
    return creation::french_date(std::chrono::year_month_day{days});
}

http::Response to_account_home() { return http::Response::redirect(std::string(login::account_home_path), 303); }

}  // namespace

nlohmann::json account_home_links(AccountContext& ctx, std::int64_t account_id) {
    nlohmann::json links = nlohmann::json::array();
    for (const auto& link : storage::ExternalLinks(ctx.db).list_of_account(account_id))
        links.push_back({{"label", provider_label(ctx, link.provider)},
                         {"since", french_day(link.created_at)},
                         {"unlink_href", std::string(unlink_path) + "?fournisseur=" + http::url_encode(link.provider)}});
    return links;
}

http::Response show_unlink(const http::Request& request, AccountContext& ctx) {
    auto owner = owner_of(request, ctx);
    if (!owner) return http::Response::redirect(std::string(login::login_path), 303);
    const auto provider = http::find_param(request.query_params(), "fournisseur").value_or("");
    auto link = link_of(ctx, owner->account_id, provider);
    if (!link) return to_account_home();
    auto issued = ctx.csrf.issue(request, unlink_purpose);
    const auto label = provider_label(ctx, provider);
    auto response = ctx.pages.page(200, "account_linking_unlink",
                                   {{"title", "Dissocier " + label},
                                    {"provider_label", label},
                                    {"provider", provider},
                                    {"since", french_day(link->created_at)},
                                    {"action", std::string(unlink_path)},
                                    {"csrf_field", CsrfGuard::field_name},
                                    {"csrf_token", issued.token},
                                    {"home_href", std::string(login::account_home_path)}});
    CsrfGuard::apply(issued, response);
    return no_store(std::move(response));
}

http::Response submit_unlink(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, unlink_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    auto owner = owner_of(request, ctx);
    if (!owner) return http::Response::redirect(std::string(login::login_path), 303);
    const auto provider = http::find_param(request.form_params(), "fournisseur").value_or("");
    auto link = link_of(ctx, owner->account_id, provider);
    // Already gone (a second tab): the result the person asked for.
    if (link)
        unlink_external_identity(ctx.db, owner->account_id, link->provider, link->subject,
                                 to_unix_seconds(ctx.clock.now()));
    return http::Response::redirect(std::string(unlinked_path) + "?fournisseur=" + http::url_encode(provider), 303);
}

http::Response show_unlinked(const http::Request& request, AccountContext& ctx) {
    const auto label = label_from_query(ctx, request);
    return no_store(ctx.pages.page(200, "account_message",
                                   {{"title", "Compte dissocié"},
                                    {"heading", "Compte dissocié"},
                                    {"message", "Votre compte n'est plus associé à " + label +
                                                    ". Vous pouvez toujours vous connecter avec votre numéro de "
                                                    "Sécurité sociale et votre mot de passe."},
                                    {"link_href", std::string(login::account_home_path)},
                                    {"link_text", "Revenir à Mon Compte"}}));
}

}  // namespace caf::account::linking
