// "Modifier mon mot de passe": parse, check, store, revoke, notify.
#include "account/web/password_change.hpp"

#include <nlohmann/json.hpp>

#include "notify/notification.hpp"
#include "notify/notifier.hpp"
#include "account/password/password_policy.hpp"
#include "account/session/sso_session.hpp"
#include "account/web/account_context.hpp"
#include "account/web/page_support.hpp"
#include "core/login_contract.hpp"
#include "storage/session_end.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/notifications.hpp"
#include "storage/rate_limits.hpp"
#include "storage/tokens.hpp"

namespace caf::account {
namespace {

constexpr std::string_view csrf_purpose = "mot-de-passe";

session::SsoSessions sso(AccountContext& ctx) {
    return session::SsoSessions::from(ctx.config, ctx.db, ctx.random);
}

http::Response render(const http::Request& request, AccountContext& ctx, const std::vector<std::string>& errors,
                      std::optional<std::string> current_error, int status) {
    auto issued = ctx.csrf.issue(request, csrf_purpose);
    nlohmann::json data{{"title", errors.empty() && !current_error ? "Modifier mon mot de passe"
                                                                   : "Erreur — Modifier mon mot de passe"},
                        {"csrf_field", CsrfGuard::field_name},
                        {"csrf_token", issued.token},
                        {"checklist", password_checklist()},
                        {"scripts", {"/static/mot-de-passe.js"}}};
    if (!errors.empty()) data["errors"] = errors;
    data["has_errors"] = !errors.empty();
    if (current_error) data["current_error"] = *current_error;
    auto response = ctx.pages.page(status, "account_password_change", data);
    CsrfGuard::apply(issued, response);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response to_login() { return http::Response::redirect(std::string(login::login_path), 303); }

}  // namespace

http::Response show_password_change(const http::Request& request, AccountContext& ctx) {
    if (!sso(ctx).current(request, ctx.clock.now())) return to_login();
    return render(request, ctx, {}, std::nullopt, 200);
}

http::Response submit_password_change(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, csrf_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    const auto now = ctx.clock.now();
    const auto now_s = to_unix_seconds(now);
    auto session = sso(ctx).current(request, now);
    if (!session) return to_login();
    const auto& form = request.form_params();
    const auto current = http::find_param(form, "mot_de_passe_actuel").value_or("");
    const auto password = http::find_param(form, "nouveau_mot_de_passe").value_or("");
    const auto confirmation = http::find_param(form, "confirmation").value_or("");

    const auto errors = new_password_errors(password, confirmation);
    if (current.empty()) return render(request, ctx, errors, "Veuillez saisir votre mot de passe actuel.", 400);
    if (!errors.empty()) return render(request, ctx, errors, std::nullopt, 400);

    // A stolen session must not turn into an offline-speed guessing of the password. Every
    // check is counted before the hash (a success clears the count), so once the limit is hit
    // even the right password is refused until the window ends: the refusal tells nothing, and
    // simultaneous posts cannot all be checked before one is counted.
    const auto key = "password-change:" + std::to_string(session->account_id);
    storage::RateLimits limits(ctx.db);
    auto account = storage::Accounts(ctx.db).find(session->account_id);
    if (!account || !account->password_hash) return to_login();
    if (!limits.hit(key, now_s, password_change_window_seconds, password_change_max_wrong).allowed)
        return render(request, ctx, {}, "Trop de tentatives. Réessayez dans quelques minutes.", 429);
    if (!acceptable_for_login(current) || !ctx.hasher.verify(current, *account->password_hash))
        return render(request, ctx, {}, "Votre mot de passe actuel est incorrect.", 400);

    const auto hash = ctx.hasher.hash(password);
    std::optional<notify::Notification> notice;
    if (account->email_sealed) {
        if (auto email = ctx.protector.open(PersonalDataKind::email, *account->email_sealed))
            notice = notify::password_changed_message(notify::NotificationChannel::email, *email, account->id);
    }
    if (!notice && account->phone_sealed) {
        if (auto phone = ctx.protector.open(PersonalDataKind::phone, *account->phone_sealed))
            notice = notify::password_changed_message(notify::NotificationChannel::sms, *phone, account->id);
    }
    storage::Notifications queue(ctx.db);
    notify::Notifier notifier(queue, ctx.protector);
    std::int64_t sessions_revoked = 0;
    ctx.db.transaction([&](storage::Connection& c) {
        storage::Accounts(ctx.db).update_password(c, account->id, hash, now_s);
        // Whoever knew the old password is out: other sessions, every refresh and access token.
        sessions_revoked = storage::end_sessions_of_account(c, account->id, now_s, session->digest).sessions_revoked;
        storage::RefreshTokens(ctx.db).revoke_all_of_account(c, account->id, now_s);
        storage::AccessTokens(ctx.db).revoke_all_of_account(c, account->id, now_s);
        limits.reset(c, key);
        storage::NewAuditEntry entry;
        entry.at = now_s;
        entry.actor_type = "account";
        entry.actor_id = std::to_string(account->id);
        entry.action = "password.changed";
        entry.account_id = account->id;
        entry.details = {{"reason", "mon-compte"}, {"sessions_revoked", sessions_revoked}};
        storage::AuditLog(ctx.db).append(c, entry);
        if (notice) notifier.enqueue(c, *notice, now);
    });
    auto response = ctx.pages.page(200, "account_message",
                                   {{"title", "Mot de passe modifié"},
                                    {"badge", "Nouveau mot de passe enregistré"},
                                    {"heading", "Mot de passe modifié"},
                                    {"message", "Votre mot de passe a été modifié avec succès. Par sécurité, vos autres "
                                                "connexions ont été fermées."},
                                    {"link_href", std::string(login::account_home_path)},
                                    {"link_text", "Retour à Gérer Mon Compte"}});
    return response;
}

}  // namespace caf::account
