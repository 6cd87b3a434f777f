// The recovery pages. The handlers never branch on whether a request matched an account before
// the new password: known and unknown identifiers get the same pages, statuses and cookies.
#include "account/web/recovery_pages.hpp"

#include <nlohmann/json.hpp>

#include "account/identity/person_record.hpp"
#include "account/login/login_service.hpp"
#include "notify/notification.hpp"
#include "account/password/password_policy.hpp"
#include "account/recovery/password_recovery.hpp"
#include "account/recovery/provisional_id_recovery.hpp"
#include "account/web/login_page.hpp"
#include "account/web/page_support.hpp"
#include "core/crypto.hpp"
#include "storage/audit_log.hpp"
#include "storage/rate_limits.hpp"

namespace caf::account::recovery {
namespace {

constexpr std::string_view csrf_purpose = "recuperation";
constexpr std::string_view provisional_csrf_purpose = "identifiant-provisoire";
const std::string steps_path = std::string(recovery_path) + "/etapes";
const std::string quit_path = std::string(recovery_path) + "/abandonner";
constexpr std::string_view provisional_path = "/identifiant-provisoire-oublie";

// The captcha of a form: nullopt when answered, else the French message.
std::optional<std::string> captcha_refusal(const http::Request& request, AccountContext& ctx,
                                           const http::Params& form) {
    if (!ctx.captcha) return std::nullopt;
    const auto id = http::find_param(form, "captcha_id").value_or("");
    const auto answer = http::find_param(form, "captcha").value_or("");
    const auto binding = http::find_param(form, CsrfGuard::field_name).value_or("");
    const bool missing = id.empty() || answer.empty();
    if (!missing && ctx.captcha->check(id, answer, binding, ctx.clock.now())) return std::nullopt;
    (void)request;
    return password_login::captcha_message(missing);
}

// ---- Step 1 ----------------------------------------------------------------------------------

struct IdentifyPage {
    bool provisional = false;
    std::string identifier;
    std::string birth_name;
    std::optional<std::string> identifier_error;
    std::optional<std::string> birth_name_error;
    std::optional<std::string> captcha_error;
    std::optional<std::string> alert;
};

http::Response render_identify(const http::Request& request, AccountContext& ctx, const IdentifyPage& s, int status) {
    auto issued = ctx.csrf.issue(request, csrf_purpose);
    const auto interaction = interaction_param(request);
    const bool error = s.identifier_error || s.birth_name_error || s.captcha_error || s.alert;
    nlohmann::json data{
        {"title", error ? "Erreur — Mot de passe oublié" : "Mot de passe oublié"},
        {"csrf_field", CsrfGuard::field_name},
        {"csrf_token", issued.token},
        {"action", std::string(recovery_path)},
        {"provisional", s.provisional},
        {"identifier_label", s.provisional ? "Identifiant provisoire" : "Numéro de Sécurité sociale"},
        {"identifier_hint", s.provisional ? "P suivi de 8 chiffres" : "13 caractères, sans la clé"},
        {"identifier", s.identifier},
        {"birth_name", s.birth_name},
        {"provisional_link", std::string(recovery_path) + "?provisoire=1"},
        {"nir_link", std::string(recovery_path)},
        {"login_link", with_interaction("/connexion", interaction)},
    };
    if (s.identifier_error) data["identifier_error"] = *s.identifier_error;
    if (s.birth_name_error) data["birth_name_error"] = *s.birth_name_error;
    if (s.alert) data["alert"] = *s.alert;
    add_captcha(data, ctx, issued.token, s.captcha_error);
    auto response = ctx.pages.page(status, "account_recovery_identify", data);
    CsrfGuard::apply(issued, response);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

// ---- Steps 2 to 4 ----------------------------------------------------------------------------

struct Feedback {
    std::vector<std::string> errors;
    std::optional<std::string> info;
};

std::string_view channel_label(CodeChannel channel) {
    switch (channel) {
        case CodeChannel::email: return "Adresse mail";
        case CodeChannel::sms: return "SMS";
        case CodeChannel::letter: return "Courrier";
    }
    return "";
}

std::string_view sent_by(CodeChannel channel) {
    switch (channel) {
        case CodeChannel::email: return "par mail";
        case CodeChannel::sms: return "par SMS";
        case CodeChannel::letter: return "par courrier";
    }
    return "";
}

std::chrono::seconds validity(AccountContext& ctx, CodeChannel channel) {
    return ctx.codes ? ctx.codes->config().validity(channel) : VerificationCodeConfig{}.validity(channel);
}

http::Response message_page(AccountContext& ctx, int status, const std::string& heading, const std::string& message,
                            const std::string& link, const std::string& link_text, const char* badge = nullptr) {
    nlohmann::json data{{"title", heading}, {"heading", heading}, {"message", message},
                        {"link_href", link},  {"link_text", link_text}};
    if (badge) data["badge"] = badge;
    auto response = ctx.pages.page(status, "account_message", data);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response no_request(AccountContext& ctx) {
    auto response = message_page(ctx, 400, "Demande expirée",
                                 "Votre demande de nouveau mot de passe n'a pas été terminée à temps. Pour votre "
                                 "sécurité, recommencez depuis le début.",
                                 std::string(recovery_path), "Recommencer");
    response.headers.add("Set-Cookie", RecoveryRequests::clearing_cookie());
    return response;
}

// A real account without any contact, or a decoy drawn without any (as often as real ones):
// the same page, so it tells nothing about the identifier.
http::Response no_channel(AccountContext& ctx) {
    return message_page(ctx, 200, "Mot de passe oublié",
                        "Nous ne pouvons pas vous envoyer de code de vérification : nous ne connaissons aucune "
                        "coordonnée de contact à jour pour votre compte. Demandez à votre Caf de mettre à jour vos "
                        "coordonnées de contact, puis recommencez.",
                        "/connexion", "Revenir à la connexion");
}

http::Response render_step(const http::Request& request, AccountContext& ctx, const RecoveryRequest& r,
                           const Feedback& feedback, int status) {
    if (r.stage == RecoveryStage::choose_channel && (r.channels.empty() || !ctx.codes)) return no_channel(ctx);
    auto issued = ctx.csrf.issue(request, csrf_purpose);
    nlohmann::json data{{"csrf_field", CsrfGuard::field_name},
                        {"csrf_token", issued.token},
                        {"action", steps_path},
                        {"quit_action", quit_path},
                        {"stage", to_string(r.stage)},
                        {"has_errors", !feedback.errors.empty()},
                        {"scripts", nlohmann::json::array()}};
    if (!feedback.errors.empty()) data["errors"] = feedback.errors;
    if (feedback.info) data["info"] = *feedback.info;
    std::string page;
    switch (r.stage) {
        case RecoveryStage::choose_channel: {
            page = "account_recovery_channel";
            nlohmann::json options = nlohmann::json::array();
            std::string hint;
            for (const auto& offered : r.channels) {
                options.push_back({{"value", to_string(offered.channel)}, {"label", channel_label(offered.channel)},
                                   {"masked", offered.masked}, {"checked", options.empty()}});
                hint += (hint.empty() ? "Le code de vérification envoyé " : ", ") + std::string(sent_by(offered.channel)) +
                        " est valable " + notify::french_duration(validity(ctx, offered.channel));
            }
            data["options"] = options;
            data["validity"] = hint + ".";
            break;
        }
        case RecoveryStage::enter_code: {
            page = "account_recovery_code";
            const auto channel = r.code_channel.value_or(CodeChannel::email);
            std::string masked;
            for (const auto& offered : r.channels)
                if (offered.channel == channel) masked = offered.masked;
            data["sent_by"] = std::string(sent_by(channel)) + (masked.empty() ? "" : " (" + masked + ")");
            data["validity"] = "Ce code est valable " + notify::french_duration(validity(ctx, channel)) + ".";
            break;
        }
        case RecoveryStage::new_password:
            page = "account_recovery_password";
            data["checklist"] = password_checklist();
            data["scripts"].push_back("/static/mot-de-passe.js");
            break;
    }
    data["title"] = feedback.errors.empty() ? "Mot de passe oublié" : "Erreur — Mot de passe oublié";
    auto response = ctx.pages.page(status, page, data);
    CsrfGuard::apply(issued, response);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response to_steps() { return http::Response::redirect(steps_path, 303); }

http::Response send_code(const http::Request& request, AccountContext& ctx, LoadedRequest& loaded,
                         const http::Params& form, bool resend) {
    auto& r = loaded.value;
    const auto now = ctx.clock.now();
    std::optional<CodeChannel> channel =
        resend ? r.code_channel : parse_code_channel(http::find_param(form, "canal").value_or(""));
    const bool offered = channel && std::any_of(r.channels.begin(), r.channels.end(),
                                                [&](const OfferedChannel& o) { return o.channel == *channel; });
    if (!offered || !ctx.codes) {
        Feedback feedback;
        feedback.errors.emplace_back("Veuillez choisir comment recevoir le code de vérification.");
        return render_step(request, ctx, r, feedback, 400);
    }
    RecoveryRequest updated = r;
    auto outcome = send_recovery_code(ctx.db, ctx.protector, *ctx.codes, updated, *channel, now, resend);
    if (!outcome) {
        Feedback feedback;
        feedback.errors.push_back(resend_message(outcome));
        return render_step(request, ctx, r, feedback, 429);
    }
    r = updated;
    RecoveryRequests(ctx.db, ctx.random).save(loaded, now);
    if (resend) {
        Feedback feedback;
        feedback.info = resend_message(outcome);
        auto response = render_step(request, ctx, r, feedback, 200);
        response.headers.add("Set-Cookie", RecoveryRequests::cookie(loaded, now));
        return response;
    }
    auto response = to_steps();
    // A letter's code makes the request live for days: the cookie follows.
    response.headers.add("Set-Cookie", RecoveryRequests::cookie(loaded, now));
    return response;
}

http::Response check_code(const http::Request& request, AccountContext& ctx, LoadedRequest& loaded,
                          const http::Params& form) {
    auto& r = loaded.value;
    const auto now = ctx.clock.now();
    const auto typed = http::find_param(form, "code").value_or("");
    if (!ctx.codes || !r.code_id) return to_steps();
    auto verification = ctx.codes->verify(*r.code_id, recovery_code_purpose, r.subject, typed, now);
    // A request that matched nothing has a code nobody received: even a lucky guess goes nowhere.
    if (verification.outcome == CodeCheck::ok && !r.account_id) verification = {CodeCheck::wrong, 0};
    if (verification.outcome != CodeCheck::ok) {
        Feedback feedback;
        feedback.errors.push_back(message(verification));
        return render_step(request, ctx, r, feedback, 400);
    }
    r.stage = RecoveryStage::new_password;
    // The code is spent: the password must follow soon, whatever the code's channel.
    r.expires_at = std::min(r.expires_at, to_unix_seconds(now) + request_lifetime.count());
    RecoveryRequests(ctx.db, ctx.random).save(loaded, now);
    return to_steps();
}

http::Response submit_new_password(const http::Request& request, AccountContext& ctx, LoadedRequest& loaded,
                                   const http::Params& form) {
    const auto& r = loaded.value;
    const auto password = http::find_param(form, "nouveau_mot_de_passe").value_or("");
    const auto confirmation = http::find_param(form, "confirmation").value_or("");
    Feedback feedback;
    feedback.errors = new_password_errors(password, confirmation);
    if (!feedback.errors.empty()) return render_step(request, ctx, r, feedback, 400);
    if (!r.account_id) return no_request(ctx);  // unreachable: such a request never gets here

    const auto now = ctx.clock.now();
    const auto hash = ctx.hasher.hash(password);
    RecoveryRequests requests(ctx.db, ctx.random);
    reset_password(ctx.db, ctx.protector, *r.account_id, r.lockout_key, hash, now,
                   [&](storage::Connection& c) { requests.remove(c, loaded.id); });
    auto response = message_page(ctx, 200, "Nouveau mot de passe enregistré",
                                 "Votre mot de passe a été modifié avec succès.", "/connexion", "Se connecter",
                                 "Nouveau mot de passe enregistré");
    response.headers.add("Set-Cookie", RecoveryRequests::clearing_cookie());
    return response;
}

// ---- Identifiant provisoire oublié -----------------------------------------------------------

struct ProvisionalPage {
    ProvisionalIdForm form;
    ProvisionalIdFormErrors errors;
    std::optional<std::string> captcha_error;
    std::optional<std::string> alert;
};

http::Response render_provisional(const http::Request& request, AccountContext& ctx, const ProvisionalPage& s,
                                  int status) {
    auto issued = ctx.csrf.issue(request, provisional_csrf_purpose);
    auto field = [](const char* name, const char* label, const char* hint, const std::string& value,
                    const std::optional<std::string>& error, const char* autocomplete) {
        nlohmann::json f{{"name", name}, {"label", label}, {"value", value}, {"autocomplete", autocomplete}};
        if (hint) f["hint"] = hint;
        if (error) f["error"] = *error;
        return f;
    };
    const bool error = s.errors.any() || s.captcha_error || s.alert;
    nlohmann::json data{
        {"title", error ? "Erreur — Identifiant provisoire oublié" : "Identifiant provisoire oublié"},
        {"csrf_field", CsrfGuard::field_name},
        {"csrf_token", issued.token},
        {"action", std::string(provisional_path)},
        {"login_link", with_interaction("/connexion", interaction_param(request), "provisoire=1")},
        {"fields",
         {field("nom_naissance", "Nom de naissance", nullptr, s.form.birth_name, s.errors.birth_name, "family-name"),
          field("prenom", "Prénom", nullptr, s.form.first_name, s.errors.first_name, "given-name"),
          field("date_naissance", "Date de naissance", "JJ/MM/AAAA", s.form.birth_date, s.errors.birth_date, "bday"),
          field("contact", "Adresse mail ou numéro de téléphone portable",
                "Celui donné à la création de votre compte", s.form.contact, s.errors.contact, "email")}},
    };
    if (s.alert) data["alert"] = *s.alert;
    add_captcha(data, ctx, issued.token, s.captcha_error);
    auto response = ctx.pages.page(status, "account_recovery_provisional", data);
    CsrfGuard::apply(issued, response);
    response.headers.set("Cache-Control", "no-store");
    return response;
}

}  // namespace

http::Response show_identify(const http::Request& request, AccountContext& ctx) {
    IdentifyPage s;
    s.provisional = http::find_param(request.query_params(), "provisoire").value_or("") == "1";
    return render_identify(request, ctx, s, 200);
}

http::Response submit_identify(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, csrf_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    const auto& form = request.form_params();
    const auto now = ctx.clock.now();
    const auto now_s = to_unix_seconds(now);
    IdentifyPage s;
    s.provisional = http::find_param(form, "provisoire").value_or("") == "1";
    s.identifier = http::find_param(form, "identifiant").value_or("");
    s.birth_name = http::find_param(form, "nom_naissance").value_or("");
    if (http::find_param(form, "nouvelle_image")) return render_identify(request, ctx, s, 200);

    const RecoveryLimits limits;
    storage::RateLimits rates(ctx.db);
    auto by_ip = rates.hit("recovery-ip:" + address_key(request), now_s, limits.window_seconds, limits.per_ip);
    if (!by_ip.allowed) {
        s.alert = wait_message(by_ip.retry_after);
        auto response = render_identify(request, ctx, s, 429);
        response.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(by_ip.retry_after, 1)));
        return response;
    }
    auto parsed = parse_login_identifier(s.identifier);
    if (!parsed) s.identifier_error = std::string(message(parsed.error()));
    if (normalise_name(s.birth_name).empty()) s.birth_name_error = "Veuillez saisir votre nom de naissance.";
    s.captcha_error = captcha_refusal(request, ctx, form);
    if (s.identifier_error || s.birth_name_error || s.captcha_error) return render_identify(request, ctx, s, 400);

    // Counted once the captcha is passed, so nobody can use up someone else's requests for free.
    const auto key = password_login::lockout_key(ctx.protector, *parsed);
    auto by_identifier = rates.hit("recovery-identifier:" + key, now_s, limits.window_seconds, limits.per_identifier);
    if (!by_identifier.allowed) {
        s.alert = wait_message(by_identifier.retry_after);
        auto response = render_identify(request, ctx, s, 429);
        response.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(by_identifier.retry_after, 1)));
        return response;
    }

    auto outcome = identify(ctx.db, ctx.protector, *parsed, s.birth_name, now);
    // Nothing audited here: a write only for real accounts would make their answer slower.
    auto cookie = RecoveryRequests(ctx.db, ctx.random).start(std::move(outcome.request), now);
    auto response = to_steps();
    response.headers.add("Set-Cookie", cookie);
    return response;
}

http::Response show_step(const http::Request& request, AccountContext& ctx) {
    auto loaded = RecoveryRequests(ctx.db, ctx.random).load(request, ctx.clock.now());
    if (!loaded) return no_request(ctx);
    return render_step(request, ctx, loaded->value, {}, 200);
}

http::Response submit_step(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, csrf_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    auto loaded = RecoveryRequests(ctx.db, ctx.random).load(request, ctx.clock.now());
    if (!loaded) return no_request(ctx);
    const auto& form = request.form_params();
    auto& r = loaded->value;
    // A form of another step (the back button, a second tab): show the current one instead.
    if (http::find_param(form, "etape").value_or("") != to_string(r.stage)) return to_steps();
    const auto action = http::find_param(form, "action").value_or("");
    switch (r.stage) {
        case RecoveryStage::choose_channel:
            if (action == "envoyer") return send_code(request, ctx, *loaded, form, false);
            return to_steps();
        case RecoveryStage::enter_code:
            if (action == "valider") return check_code(request, ctx, *loaded, form);
            if (action == "nouveau-code") return send_code(request, ctx, *loaded, form, true);
            if (action == "changer") {
                r.stage = RecoveryStage::choose_channel;
                r.code_id.reset();
                r.code_channel.reset();
                RecoveryRequests(ctx.db, ctx.random).save(*loaded, ctx.clock.now());
            }
            return to_steps();
        case RecoveryStage::new_password:
            return submit_new_password(request, ctx, *loaded, form);
    }
    return to_steps();
}

http::Response quit(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, csrf_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    RecoveryRequests requests(ctx.db, ctx.random);
    if (auto loaded = requests.load(request, ctx.clock.now()))
        ctx.db.transaction([&](storage::Connection& c) { requests.remove(c, loaded->id); });
    auto response = http::Response::redirect("/connexion", 303);
    response.headers.add("Set-Cookie", RecoveryRequests::clearing_cookie());
    return response;
}

http::Response show_provisional_id_form(const http::Request& request, AccountContext& ctx) {
    return render_provisional(request, ctx, {}, 200);
}

http::Response submit_provisional_id_form(const http::Request& request, AccountContext& ctx) {
    if (!ctx.csrf.verify(request, provisional_csrf_purpose)) return refused_form_page(ctx.pages, std::nullopt);
    const auto& form = request.form_params();
    const auto now = ctx.clock.now();
    const auto now_s = to_unix_seconds(now);
    ProvisionalPage s;
    s.form.birth_name = http::find_param(form, "nom_naissance").value_or("");
    s.form.first_name = http::find_param(form, "prenom").value_or("");
    s.form.birth_date = http::find_param(form, "date_naissance").value_or("");
    s.form.contact = http::find_param(form, "contact").value_or("");
    if (http::find_param(form, "nouvelle_image")) return render_provisional(request, ctx, s, 200);

    const RecoveryLimits limits;
    storage::RateLimits rates(ctx.db);
    auto by_ip = rates.hit("provisional-id-ip:" + address_key(request), now_s, limits.window_seconds, limits.per_ip);
    if (!by_ip.allowed) {
        s.alert = wait_message(by_ip.retry_after);
        auto response = render_provisional(request, ctx, s, 429);
        response.headers.set("Retry-After", std::to_string(std::max<std::int64_t>(by_ip.retry_after, 1)));
        return response;
    }
    s.errors = check_form(s.form);
    s.captcha_error = captcha_refusal(request, ctx, form);
    if (s.errors.any() || s.captcha_error) return render_provisional(request, ctx, s, 400);
    // One contact cannot be flooded with messages, whoever asks.
    auto by_contact = rates.hit("provisional-id-contact:" + crypto::hex_encode(crypto::sha256(
                                                                 canonical_contact(s.form.contact))),
                                now_s, limits.window_seconds, limits.per_identifier);
    if (by_contact.allowed) send_forgotten_provisional_id(ctx.db, ctx.protector, s.form, now);
    // The same answer whether anything matched, was sent, or was held back by the limit.
    return message_page(ctx, 200, "Identifiant provisoire oublié",
                        "Si les informations saisies correspondent à un compte Mon Compte, votre identifiant provisoire "
                        "vient de vous être envoyé à l'adresse mail ou au numéro de téléphone portable indiqué. Si vous "
                        "ne le recevez pas, vos coordonnées de contact ont peut-être changé : demandez à votre Caf de "
                        "les mettre à jour.",
                        with_interaction("/connexion", interaction_param(request), "provisoire=1"),
                        "Revenir à la connexion");
}

}  // namespace caf::account::recovery
