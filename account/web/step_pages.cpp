// Step pages: parse, call, render. The step order is PendingLogin's; the rules are in
// pending_steps.cpp, password_policy.cpp and the verification code service.
#include "account/web/step_pages.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "account/households/delegation.hpp"
#include "notify/notification.hpp"
#include "notify/notifier.hpp"
#include "account/verification/code_delivery.hpp"
#include "account/password/password_policy.hpp"
#include "account/personal_data/contact_masking.hpp"
#include "account/steps/pending_login.hpp"
#include "account/web/account_context.hpp"
#include "account/web/delegation_pages.hpp"
#include "account/web/login_completion.hpp"
#include "account/web/page_support.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/notifications.hpp"
#include "storage/tokens.hpp"

namespace caf::account::steps {
namespace {

constexpr std::string_view csrf_purpose = "etapes";

struct Contacts {
    std::optional<std::string> email;
    std::optional<std::string> phone;
    std::optional<std::string> of(CodeChannel channel) const {
        return channel == CodeChannel::email ? email : channel == CodeChannel::sms ? phone : std::nullopt;
    }
};

Contacts contacts_of(AccountContext& ctx, std::int64_t account_id) {
    Contacts out;
    auto account = storage::Accounts(ctx.db).find(account_id);
    if (!account) return out;
    if (account->email_sealed) out.email = ctx.protector.open(PersonalDataKind::email, *account->email_sealed);
    if (account->phone_sealed) out.phone = ctx.protector.open(PersonalDataKind::phone, *account->phone_sealed);
    return out;
}

std::string subject_of(std::int64_t account_id) { return "account:" + std::to_string(account_id); }

storage::NewAuditEntry audit_entry(std::int64_t account_id, std::int64_t now, std::string action,
                                   nlohmann::json details = nlohmann::json::object()) {
    storage::NewAuditEntry entry;
    entry.at = now;
    entry.actor_type = "account";
    entry.actor_id = std::to_string(account_id);
    entry.action = std::move(action);
    entry.account_id = account_id;
    entry.details = std::move(details);
    return entry;
}

// What a code is for: the first connection's contact (verified by it, the step may be skipped),
// or the proof of a forced renewal (nothing is skipped: the old password is presumed leaked).
enum class CodeUse { contact, renewal };

std::string_view purpose_of(CodeUse use) { return use == CodeUse::renewal ? renewal_code_purpose : contact_code_purpose; }

// What a page shows besides the step itself.
struct Feedback {
    std::vector<std::string> errors;
    std::optional<std::string> info;
};

http::Response no_pending_login(AccountContext& ctx) {
    auto response = ctx.pages.page(400, "account_message",
                                   {{"title", "Connexion expirée"},
                                    {"heading", "Connexion expirée"},
                                    {"message", "Votre connexion n'a pas été terminée à temps. Pour votre sécurité, "
                                                "reconnectez-vous pour reprendre où vous en étiez."},
                                    {"link_href", "/connexion"},
                                    {"link_text", "Revenir à la connexion"}});
    response.headers.add("Set-Cookie", PendingLogins::clearing_cookie());
    return response;
}

// The two pages of a code sent to a known contact of the account: the channel (masked), then
// the code. For a renewal with no contact to send it to, the page points to "Mot de passe
// oublié", whose letter channel reaches everyone the CAF knows.
void code_pages(nlohmann::json& data, AccountContext& ctx, const PendingLogin& p, CodeUse use, std::string& page,
                std::string& title) {
    const bool renewal = use == CodeUse::renewal;
    data["renewal"] = renewal;
    data["skippable"] = !renewal;
    auto contacts = contacts_of(ctx, p.account_id);
    if (p.code_id && p.code_channel) {
        page = "account_step_code";
        title = renewal ? "Vérification de votre identité" : "Vérification de mes coordonnées de contact";
        const bool sms = *p.code_channel == CodeChannel::sms;
        auto recipient = contacts.of(*p.code_channel).value_or("");
        data["sent_to"] = sms ? "par SMS sur le numéro suivant " + mask_phone(recipient)
                              : "par mail à l'adresse suivante " + mask_email(recipient);
        data["code_label"] = sms ? "Code de vérification reçu par SMS" : "Code de vérification reçu par mail";
        data["validity"] = std::string(sms ? "Le code de vérification envoyé par SMS est valable "
                                           : "Le code de vérification envoyé par mail est valable ") +
                           notify::french_duration(ctx.codes ? ctx.codes->config().validity(*p.code_channel)
                                                     : std::chrono::seconds{600}) +
                           ".";
        return;
    }
    page = "account_step_contact";
    title = renewal ? "Renouvellement de votre mot de passe" : "Coordonnées de contact";
    nlohmann::json options = nlohmann::json::array();
    if (ctx.codes) {
        if (contacts.phone)
            options.push_back({{"value", "sms"}, {"label", "Numéro de téléphone portable"},
                               {"masked", mask_phone(*contacts.phone)}, {"checked", options.empty()}});
        if (contacts.email)
            options.push_back({{"value", "email"}, {"label", "Adresse mail"},
                               {"masked", mask_email(*contacts.email)}, {"checked", options.empty()}});
    }
    data["options"] = options;
    data["has_options"] = !options.empty();
    if (renewal) data["recovery_href"] = with_interaction("/mot-de-passe-oublie", p.interaction_id);
}

http::Response render(const http::Request& request, AccountContext& ctx, const LoadedLogin& loaded,
                      const Feedback& feedback, int status) {
    const auto& p = loaded.value;
    const Stage stage = *p.current();
    auto issued = ctx.csrf.issue(request, csrf_purpose);
    nlohmann::json data{
        {"csrf_field", CsrfGuard::field_name},
        {"csrf_token", issued.token},
        {"action", std::string(steps_path)},
        {"quit_action", std::string(steps_path) + "/quitter"},
        {"stage", to_string(stage)},
        {"legacy", p.legacy},
        {"scripts", nlohmann::json::array()},
    };
    if (!feedback.errors.empty()) data["errors"] = feedback.errors;
    data["has_errors"] = !feedback.errors.empty();
    if (feedback.info) data["info"] = *feedback.info;
    std::string page;
    std::string title;
    switch (stage) {
        case Stage::legacy_intro:
            page = "account_step_intro";
            title = "Votre connexion à Mon Compte change";
            break;
        case Stage::cgu: {
            page = "account_step_cgu";
            title = "Conditions générales d'utilisation";
            auto text = cgu_text(ctx.config.cgu.text_dir, ctx.config.cgu.version);
            data["cgu_html"] = text.value_or("<p>Le texte des conditions générales d'utilisation est momentanément "
                                             "indisponible. Réessayez dans quelques instants.</p>");
            data["cgu_version"] = ctx.config.cgu.version;
            if (p.legacy) data["step_number"] = "1";
            break;
        }
        case Stage::forced_renewal:
            if (!p.renewal_proved) {
                code_pages(data, ctx, p, CodeUse::renewal, page, title);
                break;
            }
            [[fallthrough]];
        case Stage::chosen_renewal:
        case Stage::legacy_password:
            page = "account_step_password";
            title = stage == Stage::legacy_password ? "Choisir son mot de passe" : "Modifier mon mot de passe";
            data["checklist"] = password_checklist();
            data["scripts"].push_back("/static/mot-de-passe.js");
            if (stage == Stage::legacy_password) {
                data["step_number"] = "2";
                data["intro"] = "Pour ma 1ère connexion, je choisis mon mot de passe personnel.";
            } else if (stage == Stage::forced_renewal) {
                data["intro"] = "Pour des raisons de sécurité, votre mot de passe doit être renouvelé avant de "
                                "continuer. Choisissez un nouveau mot de passe.";
            } else {
                data["intro"] = "Vous pourrez ainsi renforcer la sécurité de votre Espace Mon Compte.";
            }
            break;
        case Stage::incitation:
            page = "account_step_incitation";
            title = "Protégez-vous, modifiez votre mot de passe";
            break;
        case Stage::delegation:
            page = "account_authorisations";
            title = "Mes autorisations";
            if (auto household = households::household_of(ctx.db, p.account_id))
                data.update(households::authorisations_data(ctx, *household));
            data["step"] = true;
            break;
        case Stage::contact:
            if (p.legacy) data["step_number"] = "3";
            code_pages(data, ctx, p, CodeUse::contact, page, title);
            break;
    }
    data["title"] = feedback.errors.empty() ? title : "Erreur — " + title;
    data["heading"] = title;
    auto response = ctx.pages.page(status, page, data);
    CsrfGuard::apply(issued, response);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

// The last step is done: the session opens and the interaction is completed, in one go with the
// pending login's removal and, after a first connection, its confirmation message. A first
// connection, or an answer to the delegation question, is confirmed on a page before the client.
http::Response finish(const http::Request& request, AccountContext& ctx, const LoadedLogin& loaded) {
    const auto& p = loaded.value;
    const auto now = ctx.clock.now();
    std::optional<notify::Notification> confirmation;
    if (p.legacy) {
        auto contacts = contacts_of(ctx, p.account_id);
        auto account = storage::Accounts(ctx.db).find(p.account_id);
        std::optional<std::string> provisional = account ? account->provisional_id : std::nullopt;
        // The confirmed contact first; else the mail, else the phone known.
        std::optional<CodeChannel> channel = p.confirmed_channel;
        if (!channel && contacts.email) channel = CodeChannel::email;
        if (!channel && contacts.phone) channel = CodeChannel::sms;
        if (channel && contacts.of(*channel))
            confirmation = notify::account_created_message(notification_channel(*channel), *contacts.of(*channel),
                                                           provisional, p.account_id);
    }
    LoginToComplete login{p.account_id, p.interaction_id, p.client_id, p.amr, p.acr, p.method, p.upstream};
    PendingLogins pending(ctx.db, ctx.random);
    storage::Notifications queue(ctx.db);
    notify::Notifier notifier(queue, ctx.protector);
    auto completed = complete_login(request, ctx, login, now, [&](storage::Connection& c) {
        pending.remove(c, loaded.id);
        if (confirmation) notifier.enqueue(c, *confirmation, now);
    });

    http::Response response;
    if (p.interaction_id && !completed.interaction_completed) {
        response = expired_interaction_page(ctx.pages);
    } else if (p.legacy) {
        nlohmann::json data{{"title", "Votre Espace Mon Compte est prêt"},
                            {"continue_href", after_login_url(p.interaction_id)},
                            {"provisional", false}};
        if (p.delegation_answer)
            data["delegation_confirmation"] = std::string(households::delegation_confirmation(*p.delegation_answer));
        response = ctx.pages.page(200, "account_step_done", data);
    } else if (p.delegation_answer) {
        response = ctx.pages.page(200, "account_message",
                                  {{"title", "Mes autorisations"},
                                   {"heading", "Mes autorisations"},
                                   {"message", std::string(households::delegation_confirmation(*p.delegation_answer))},
                                   {"link_href", after_login_url(p.interaction_id)},
                                   {"link_text", "Continuer"}});
    } else {
        response = http::Response::redirect(after_login_url(p.interaction_id), 303);
    }
    response.headers.add("Set-Cookie", completed.session_cookie);
    response.headers.add("Set-Cookie", PendingLogins::clearing_cookie());
    return response;
}

http::Response next(const http::Request& request, AccountContext& ctx, LoadedLogin& loaded) {
    if (loaded.value.done()) return finish(request, ctx, loaded);
    return http::Response::redirect(std::string(steps_path), 303);
}

// A new password for the stage: the policy item by item, the confirmation, then the hash stored
// and every refresh token of the account revoked (an old password may have leaked).
http::Response submit_password(const http::Request& request, AccountContext& ctx, LoadedLogin& loaded,
                               const http::Params& form) {
    const auto password = http::find_param(form, "nouveau_mot_de_passe").value_or("");
    const auto confirmation = http::find_param(form, "confirmation").value_or("");
    Feedback feedback;
    feedback.errors = new_password_errors(password, confirmation);
    if (!feedback.errors.empty()) return render(request, ctx, loaded, feedback, 400);

    const auto now = ctx.clock.now();
    const auto now_s = to_unix_seconds(now);
    const auto hash = ctx.hasher.hash(password);
    const auto stage = *loaded.value.current();
    const std::int64_t id = loaded.value.account_id;
    loaded.value.advance();
    std::optional<notify::Notification> notice;
    if (stage != Stage::legacy_password)
        if (auto account = storage::Accounts(ctx.db).find(id))
            if (auto contact = notify::owner_contact(ctx.protector, *account))
                notice = notify::password_changed_message(contact->channel, contact->recipient, id);
    storage::Notifications queue(ctx.db);
    notify::Notifier notifier(queue, ctx.protector);
    ctx.db.transaction([&](storage::Connection& c) {
        storage::Accounts(ctx.db).update_password(c, id, hash, now_s);
        storage::RefreshTokens(ctx.db).revoke_all_of_account(c, id, now_s);
        storage::AuditLog(ctx.db).append(
            c, audit_entry(id, now_s, "password.changed", {{"reason", to_string(stage)}}));
        if (notice) notifier.enqueue(c, *notice, now);
        PendingLogins(ctx.db, ctx.random).save(c, loaded, now);
    });
    return next(request, ctx, loaded);
}

http::Response send_code(const http::Request& request, AccountContext& ctx, LoadedLogin& loaded,
                         const http::Params& form, CodeUse use, bool resend) {
    auto& p = loaded.value;
    const auto now = ctx.clock.now();
    auto contacts = contacts_of(ctx, p.account_id);
    std::optional<CodeChannel> channel = resend ? p.code_channel
                                                : parse_code_channel(http::find_param(form, "canal").value_or(""));
    Feedback feedback;
    if (!channel || *channel == CodeChannel::letter || !contacts.of(*channel)) {
        feedback.errors.emplace_back("Veuillez choisir comment recevoir le code de vérification.");
        return render(request, ctx, loaded, feedback, 400);
    }
    const auto subject = subject_of(p.account_id);
    CodeDelivery delivery{purpose_of(use), subject, *channel, resend ? p.code_id : std::nullopt,
                          *contacts.of(*channel), p.account_id};
    auto outcome = deliver_code(ctx.db, *ctx.codes, ctx.protector, delivery, now,
                                [&](storage::Connection& c, const SentCode& sent) {
                                    LoadedLogin updated = loaded;
                                    updated.value.code_id = sent.id;
                                    updated.value.code_channel = *channel;
                                    PendingLogins(ctx.db, ctx.random).save(c, updated, now);
                                });
    if (!outcome) {
        feedback.errors.push_back(resend_message(outcome));
        return render(request, ctx, loaded, feedback, 429);
    }
    p.code_id = outcome->id;
    p.code_channel = *channel;
    if (resend) feedback.info = resend_message(outcome);
    return resend ? render(request, ctx, loaded, feedback, 200) : http::Response::redirect(std::string(steps_path), 303);
}

// The code typed. For a renewal it proves the person, nothing more: the password page comes
// next. For the contact step it confirms that contact, and the step is done.
http::Response check_code(const http::Request& request, AccountContext& ctx, LoadedLogin& loaded,
                          const http::Params& form, CodeUse use) {
    auto& p = loaded.value;
    const auto now = ctx.clock.now();
    const auto now_s = to_unix_seconds(now);
    const auto typed = http::find_param(form, "code").value_or("");
    std::optional<CodeVerification> verification;
    const CodeChannel channel = *p.code_channel;
    auto proved = [&](PendingLogin& login) {
        login.code_id.reset();
        if (use == CodeUse::renewal) {
            login.renewal_proved = true;
            login.code_channel.reset();
        } else {
            login.confirmed_channel = channel;
            login.advance();
        }
    };
    ctx.db.transaction([&](storage::Connection& c) {
        verification = ctx.codes->verify(c, *p.code_id, purpose_of(use), subject_of(p.account_id), typed, now);
        if (verification->outcome != CodeCheck::ok) return;
        if (use == CodeUse::contact) {
            storage::Accounts accounts(ctx.db);
            auto account = accounts.find_for_update(c, p.account_id);
            if (!account) return;
            storage::ContactData contact{account->email_sealed, account->email_verified, account->phone_sealed,
                                         account->phone_verified};
            if (channel == CodeChannel::email) contact.email_verified = true;
            else contact.phone_verified = true;
            accounts.update_contact(c, p.account_id, contact, now_s);
        }
        storage::AuditLog(ctx.db).append(
            c, audit_entry(p.account_id, now_s, use == CodeUse::renewal ? "password.renewal_proved" : "contact.verified",
                           {{"channel", to_string(channel)}}));
        LoadedLogin updated = loaded;
        proved(updated.value);
        PendingLogins(ctx.db, ctx.random).save(c, updated, now);
    });
    if (verification->outcome != CodeCheck::ok) {
        Feedback feedback;
        feedback.errors.push_back(message(*verification));
        return render(request, ctx, loaded, feedback, 400);
    }
    proved(p);
    if (use == CodeUse::renewal) return http::Response::redirect(std::string(steps_path), 303);
    return next(request, ctx, loaded);
}

// "Envoyer le code", "Demander l'envoi d'un nouveau code", "Modifier" (back to the channels).
http::Response submit_code_action(const http::Request& request, AccountContext& ctx, LoadedLogin& loaded,
                                  const http::Params& form, std::string_view action, CodeUse use) {
    auto& p = loaded.value;
    if (action == "changer") {
        p.code_id.reset();
        p.code_channel.reset();
        PendingLogins(ctx.db, ctx.random).save(loaded, ctx.clock.now());
        return http::Response::redirect(std::string(steps_path), 303);
    }
    if (action == "envoyer") return send_code(request, ctx, loaded, form, use, false);
    if (action == "nouveau-code" && p.code_id) return send_code(request, ctx, loaded, form, use, true);
    return http::Response::redirect(std::string(steps_path), 303);
}

// "Mes autorisations" asked once: Oui / Non, or "Passer" (answered, delegation unchanged).
http::Response submit_delegation(const http::Request& request, AccountContext& ctx, LoadedLogin& loaded,
                                 const http::Params& form, std::string_view action) {
    const auto choice = http::find_param(form, "delegation").value_or("");
    const bool skip = action == "passer";
    if (!skip && choice != "oui" && choice != "non") {
        Feedback feedback;
        feedback.errors.emplace_back("Veuillez répondre Oui ou Non, ou choisir « Passer ».");
        return render(request, ctx, loaded, feedback, 400);
    }
    const auto now = ctx.clock.now();
    const auto now_s = to_unix_seconds(now);
    auto& p = loaded.value;
    p.advance();
    ctx.db.transaction([&](storage::Connection& c) {
        // A dossier changed meanwhile (no spouse any more) has nothing to decide: the step just
        // ends, without a confirmation. "Passer" has none either.
        p.delegation_answer.reset();
        if (skip) {
            households::skip_delegation_question(ctx.db, c, p.account_id, now_s);
        } else if (households::decide_delegation(ctx.db, c, p.account_id, choice == "oui", now_s) !=
                   households::DelegationChange::not_allowed) {
            p.delegation_answer = choice == "oui";
        }
        PendingLogins(ctx.db, ctx.random).save(c, loaded, now);
    });
    // The confirmation is a page: 303 to GET it (finish() shows it once the steps are done).
    if (p.delegation_answer) return http::Response::redirect(std::string(steps_path), 303);
    return next(request, ctx, loaded);
}

}  // namespace

std::optional<std::string> cgu_text(const std::filesystem::path& dir, const std::string& version) {
    std::ifstream in(dir / (version + ".html"), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

http::Response show_current_step(const http::Request& request, AccountContext& ctx) {
    auto loaded = PendingLogins(ctx.db, ctx.random).load(request, ctx.clock.now());
    if (!loaded) return no_pending_login(ctx);
    if (loaded->value.done()) return finish(request, ctx, *loaded);
    return render(request, ctx, *loaded, {}, 200);
}

http::Response submit_current_step(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, csrf_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    const auto now = ctx.clock.now();
    PendingLogins pending(ctx.db, ctx.random);
    auto loaded = pending.load(request, now);
    if (!loaded) return no_pending_login(ctx);
    if (loaded->value.done()) return finish(request, ctx, *loaded);

    const auto& form = request.form_params();
    const Stage stage = *loaded->value.current();
    // A form of another step (the back button, a second tab): show the current one instead.
    if (http::find_param(form, "etape").value_or("") != to_string(stage))
        return http::Response::redirect(std::string(steps_path), 303);
    const auto action = http::find_param(form, "action").value_or("");
    const auto now_s = to_unix_seconds(now);
    auto& p = loaded->value;

    switch (stage) {
        case Stage::legacy_intro:
            p.advance();
            pending.save(*loaded, now);
            return next(request, ctx, *loaded);

        case Stage::cgu: {
            if (http::find_param(form, "accepte_cgu").value_or("") != "1") {
                Feedback feedback;
                feedback.errors.emplace_back("Pour continuer, vous devez prendre connaissance des conditions générales "
                                             "d'utilisation et les accepter en cochant la case.");
                return render(request, ctx, *loaded, feedback, 400);
            }
            p.advance();
            ctx.db.transaction([&](storage::Connection& c) {
                storage::Accounts(ctx.db).accept_cgu(c, p.account_id, ctx.config.cgu.version, now_s);
                storage::AuditLog(ctx.db).append(
                    c, audit_entry(p.account_id, now_s, "cgu.accepted", {{"version", ctx.config.cgu.version}}));
                pending.save(c, *loaded, now);
            });
            return next(request, ctx, *loaded);
        }

        case Stage::incitation:
            if (action == "modifier") p.stages.front() = Stage::chosen_renewal;
            else p.advance();  // "Plus tard"
            pending.save(*loaded, now);
            return next(request, ctx, *loaded);

        case Stage::forced_renewal:
            if (!p.renewal_proved) {
                if (!ctx.codes) return http::Response::redirect(std::string(steps_path), 303);
                if (action == "valider" && p.code_id) return check_code(request, ctx, *loaded, form, CodeUse::renewal);
                return submit_code_action(request, ctx, *loaded, form, action, CodeUse::renewal);
            }
            return submit_password(request, ctx, *loaded, form);
        case Stage::chosen_renewal:
        case Stage::legacy_password:
            return submit_password(request, ctx, *loaded, form);

        case Stage::contact:
            if (action == "passer" || !ctx.codes) {
                p.advance();
                p.code_id.reset();
                pending.save(*loaded, now);
                return next(request, ctx, *loaded);
            }
            if (action == "valider" && p.code_id) return check_code(request, ctx, *loaded, form, CodeUse::contact);
            return submit_code_action(request, ctx, *loaded, form, action, CodeUse::contact);

        case Stage::delegation:
            return submit_delegation(request, ctx, *loaded, form, action);
    }
    return http::Response::redirect(std::string(steps_path), 303);
}

http::Response quit_steps(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, csrf_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    PendingLogins pending(ctx.db, ctx.random);
    auto loaded = pending.load(request, ctx.clock.now());
    std::optional<std::string> interaction;
    if (loaded) {
        interaction = loaded->value.interaction_id;
        ctx.db.transaction([&](storage::Connection& c) { pending.remove(c, loaded->id); });
    }
    auto response = http::Response::redirect(with_interaction("/connexion", interaction), 303);
    response.headers.add("Set-Cookie", PendingLogins::clearing_cookie());
    return response;
}

}  // namespace caf::account::steps
