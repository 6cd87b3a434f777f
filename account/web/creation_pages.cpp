// The creation wizard's pages: parse, call, render. The rules are in civil_status_form.cpp,
// identity_document.cpp, contact_form.cpp, account_creation.cpp and the verification code service.
#include "account/web/creation_pages.hpp"

#include <nlohmann/json.hpp>

#include "account/creation/account_creation.hpp"
#include "account/creation/civil_status_form.hpp"
#include "account/creation/contact_form.hpp"
#include "account/creation/creation_draft.hpp"
#include "account/creation/prefilled_civil_status.hpp"
#include "account/linking/external_links.hpp"
#include "notify/notification.hpp"
#include "notify/notifier.hpp"
#include "account/verification/code_delivery.hpp"
#include "account/password/password_policy.hpp"
#include "account/session/sso_session.hpp"
#include "account/web/login_completion.hpp"
#include "account/web/login_finish.hpp"
#include "account/web/page_support.hpp"
#include "core/crypto.hpp"
#include "core/csrf.hpp"
#include "core/html_templates.hpp"
#include "core/login_contract.hpp"
#include "storage/interactions.hpp"
#include "storage/notifications.hpp"
#include "storage/rate_limits.hpp"

namespace caf::account::creation {
namespace {

constexpr std::string_view csrf_purpose = "creation";
constexpr const char* captcha_error_field = "captcha";
namespace document_field {
constexpr const char* type = "piece_type";
constexpr const char* number = "piece_numero";
constexpr const char* issue_date = "piece_date";
}  // namespace document_field

struct Feedback {
    FieldErrors errors;
    std::optional<std::string> alert;
    std::optional<std::string> info;
    http::Params values;  // the posted form, shown again
    bool no_document_warning = false;
};

CreationDrafts drafts_of(CreationContext& ctx) {
    return CreationDrafts(ctx.account.db, ctx.account.random, ctx.settings.draft_lifetime);
}

std::string param(const http::Params& form, const char* name) { return http::find_param(form, name).value_or(""); }

http::Response with_no_store(http::Response response) {
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response no_draft(CreationContext& ctx) {
    auto response = ctx.account.pages.page(
        400, "account_message",
        {{"title", "Création de compte expirée"},
         {"heading", "Création de compte expirée"},
         {"message", "Votre création de compte n'a pas été terminée à temps. Pour votre sécurité, les informations "
                     "saisies ont été effacées. Vous pouvez recommencer."},
         {"link_href", std::string(creation_path)},
         {"link_text", "Recommencer la création de mon compte"}});
    response.headers.add("Set-Cookie", CreationDrafts::clearing_cookie());
    return with_no_store(std::move(response));
}

// Says the NIR has an account and offers login and recovery; nothing about the account itself.
http::Response nir_taken_page(CreationContext& ctx, const std::optional<std::string>& interaction, int status) {
    return with_no_store(ctx.account.pages.page(
        status, "account_creation_nir_taken",
        {{"title", "Vous avez déjà un compte"},
         {"login_href", with_interaction("/connexion", interaction)},
         {"recovery_href", with_interaction("/mot-de-passe-oublie", interaction)}}));
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    return s;
}

nlohmann::json recap_lines(const CreationDraft& d) {
    nlohmann::json lines = nlohmann::json::array();
    auto line = [&](std::string label, std::string value) {
        lines.push_back({{"label", std::move(label)}, {"value", std::move(value)}});
    };
    auto civil = civil_status_from_json(d.civil_status);
    if (!civil) return lines;
    line("Civilité", civil->civility == Civility::madame ? "MADAME" : "MONSIEUR");
    line("Nom de naissance", upper(civil->birth_name));
    line("Prénom(s)", upper(civil->first_names));
    if (!civil->usage_name.empty()) line("Nom d'usage", upper(civil->usage_name));
    line("Date de naissance", french_date(civil->birth_date));
    if (civil->born_abroad) {
        line("Pays de naissance", civil->country);
        line("Ville de naissance", upper(civil->city));
    } else {
        line("Département de naissance", civil->departement);
        line("Commune de naissance", civil->commune);
    }
    if (!civil->nir) {
        line("Nom de naissance du parent 1", upper(civil->parent1.birth_name));
        line("Prénom(s) du parent 1", upper(civil->parent1.first_names));
        line("Nom de naissance du parent 2", upper(civil->parent2.birth_name));
        line("Prénom(s) du parent 2", upper(civil->parent2.first_names));
    }
    const auto& doc = d.identity_document;
    if (doc.is_object() && doc.contains("type")) {
        auto type = parse_identity_document_type(doc["type"].get<std::string>());
        if (type) line(std::string(number_label(*type)), doc["number"].get<std::string>());
        if (auto issued = parse_iso_date(doc["issued_on"].get<std::string>()))
            line("Date de délivrance", french_date(*issued));
    } else if (doc.is_object() && doc.contains("none")) {
        line("Pièce d'identité", "Je ne dispose pas d'une pièce d'identité française");
    }
    return lines;
}

http::Response render(const http::Request& request, CreationContext& ctx, const LoadedDraft& loaded,
                      const Feedback& feedback, int status) {
    auto& actx = ctx.account;
    const auto& d = loaded.value;
    auto issued = actx.csrf.issue(request, csrf_purpose);
    nlohmann::json data{{"csrf_field", CsrfGuard::field_name},
                        {"csrf_token", issued.token},
                        {"action", std::string(stage_path)},
                        {"quit_action", std::string(quit_path)},
                        {"stage", to_string(d.stage)},
                        {"scripts", nlohmann::json::array()}};
    for (const auto& [name, value] : feedback.values) data[name] = value;
    for (const auto& [name, message] : feedback.errors) data[name + "_error"] = message;
    data["has_errors"] = !feedback.errors.empty() || feedback.alert.has_value();
    if (feedback.alert) data["alert"] = *feedback.alert;
    else if (!feedback.errors.empty()) data["alert"] = "Certaines informations sont à corriger : voir les champs signalés.";
    if (feedback.info) data["info"] = *feedback.info;
    auto value = [&](const char* name) { return param(feedback.values, name); };
    const auto civil = civil_status_from_json(d.civil_status);

    std::string page, title;
    switch (d.stage) {
        case Stage::civil_status: {
            page = "account_creation_civil";
            title = "État civil";
            data["nir_oui"] = value(civil_field::has_nir) == "oui";
            data["nir_non"] = value(civil_field::has_nir) == "non";
            data["reside_france_oui"] = value(civil_field::resides_in_france) == "oui";
            data["reside_france_non"] = value(civil_field::resides_in_france) == "non";
            data["civilite_madame"] = value(civil_field::civility) == "madame";
            data["civilite_monsieur"] = value(civil_field::civility) == "monsieur";
            data["lieu_france"] = value(civil_field::birth_place) == "france";
            data["lieu_etranger"] = value(civil_field::birth_place) == "etranger";
            if (d.external) {
                // Vouched for by the provider: the pivot is shown locked, no captcha is asked.
                data["prefilled"] = {{"provider_label", d.external->provider_label},
                                     {"lines", locked_pivot_lines(d.external->person)},
                                     {"born_abroad", d.external->person.born_abroad()}};
                data["ask_city"] = d.external->person.born_abroad();
            } else {
                data["ask_city"] = true;
            }
            if (!d.external) {
                auto error = feedback.errors.find(captcha_error_field);
                add_captcha(data, actx, issued.token,
                            error == feedback.errors.end() ? std::nullopt : std::optional(error->second));
            }
            break;
        }
        case Stage::identity_document:
            page = "account_creation_document";
            title = "État civil — pièce d'identité";
            data["optional"] = civil && civil->nir.has_value();
            data["no_document_warning"] = feedback.no_document_warning;
            for (auto t : {IdentityDocumentType::carte_identite, IdentityDocumentType::titre_sejour,
                           IdentityDocumentType::passeport})
                data["types"].push_back({{"value", to_string(t)},
                                         {"label", label(t)},
                                         {"checked", value(document_field::type) == to_string(t)}});
            break;
        case Stage::contact:
            if (d.code_id && !d.contact_verified) {
                const bool sms = d.channel == CodeChannel::sms;
                page = "account_creation_code";
                title = "Vérification de mes coordonnées de contact";
                data["sent_to"] = sms ? "par SMS au numéro suivant " + d.contact : "par mail à l'adresse suivante " + d.contact;
                data["code_label"] = sms ? "Code de vérification reçu par SMS" : "Code de vérification reçu par mail";
                if (actx.codes)
                    data["validity"] = std::string("Il est valable ") +
                                       notify::french_duration(actx.codes->config().validity(*d.channel)) + ".";
            } else {
                page = "account_creation_contact";
                title = "Coordonnées de contact";
                auto channel = value(contact_field::channel);
                // The provider's e-mail, prefilled but editable (and still confirmed by a code).
                if (feedback.values.empty() && d.external && d.external->email) {
                    channel = "email";
                    data["email"] = *d.external->email;
                    data["email_confirmation"] = *d.external->email;
                }
                data["canal_sms"] = channel != "email";
                data["canal_email"] = channel == "email";
            }
            break;
        case Stage::password: {
            page = "account_creation_password";
            title = "Choisir son mot de passe";
            data["checklist"] = password_checklist();
            data["scripts"].push_back("/static/mot-de-passe.js");
            break;
        }
        case Stage::recap: {
            page = "account_creation_recap";
            title = "Récapitulatif de ma création de compte";
            const bool provisional = d.identifier.starts_with("P");
            data["provisional"] = provisional;
            if (provisional) {
                data["identifier"] = d.identifier;
            } else {
                auto nir = Nir::parse(d.identifier);
                data["identifier"] = nir ? nir->display() : d.identifier;
            }
            data["lines"] = recap_lines(d);
            data["contact_label"] = d.channel == CodeChannel::email ? "Adresse mail" : "Numéro de téléphone portable";
            data["contact"] = d.contact;
            data["login_href"] = with_interaction("/connexion", d.interaction_id);
            if (d.interaction_id) data["continue_href"] = login::resume_url(*d.interaction_id);
            else data["home_href"] = "/mon-compte";
            break;
        }
    }
    data["title"] = feedback.errors.empty() && !feedback.alert ? title : "Erreur — " + title;
    data["heading"] = title;
    auto response = actx.pages.page(status, page, data);
    CsrfGuard::apply(issued, response);
    return with_no_store(std::move(response));
}

http::Response to_stage_page() { return http::Response::redirect(std::string(stage_path), 303); }

// The posted values worth showing again: never the CSRF token, the captcha or a password.
http::Params shown_again(const http::Params& form) {
    http::Params out;
    for (const auto& [name, value] : form)
        if (name != CsrfGuard::field_name && name != "captcha" && name != "captcha_id" && name != "etape" &&
            name != "action" && name != "code" && name.find("mot_de_passe") == std::string::npos &&
            name != "confirmation")
            out.emplace_back(name, value);
    return out;
}

// 429 with "Trop de demandes…" on the page and Retry-After.
http::Response too_many_requests(const http::Request& request, CreationContext& ctx, const LoadedDraft& loaded,
                                 Feedback& feedback, std::int64_t retry_after) {
    feedback.alert = wait_message(retry_after);
    auto response = render(request, ctx, loaded, feedback, 429);
    response.headers.set("Retry-After", std::to_string(retry_after));
    return response;
}

http::Response submit_civil_status(const http::Request& request, CreationContext& ctx, LoadedDraft& loaded,
                                   const http::Params& form) {
    auto& actx = ctx.account;
    const auto now = actx.clock.now();
    const auto& external = loaded.value.external;
    const auto checked_form = external ? with_locked_pivot(form, external->person) : form;
    auto entry = check_civil_status_form(checked_form, calendar_day(now), ctx.settings.minimum_age);
    Feedback feedback;
    feedback.values = shown_again(checked_form);
    if (!entry) feedback.errors = entry.error();
    if (external) {
        // A locked field cannot be corrected here: say it where the person can act.
        std::optional<std::string> locked_error;
        for (auto it = feedback.errors.begin(); it != feedback.errors.end();) {
            if (!is_locked_field(it->first)) {
                ++it;
                continue;
            }
            if (!locked_error) locked_error = it->second;
            it = feedback.errors.erase(it);
        }
        if (locked_error && param(form, civil_field::has_nir) == "oui" && !feedback.errors.contains(civil_field::nir))
            feedback.errors[civil_field::nir] = "Ce numéro de Sécurité sociale ne correspond pas à l'état civil "
                                                "transmis par " + external->provider_label + ".";
        else if (locked_error)
            feedback.alert = *locked_error;
    }
    // The captcha of every draft not started from a provider, with or without a NIR: anyone may
    // type anyone's NIR here, and this step says whether it has an account; it also comes before
    // any code is sent. Without a NIR, the captcha and the parents' names are all that vouch.
    if (actx.captcha && !external) {
        const bool solved = actx.captcha->check(param(form, "captcha_id"), param(form, "captcha"),
                                                param(form, CsrfGuard::field_name.data()), now);
        if (!solved)
            feedback.errors[captcha_error_field] =
                "Les caractères saisis ne correspondent pas à l'image. Veuillez recopier les caractères de la "
                "nouvelle image.";
    }
    if (!feedback.errors.empty()) return render(request, ctx, loaded, feedback, 400);

    const auto& limits = ctx.settings.limits;
    auto by_address = storage::RateLimits(actx.db).hit("creation-civil-ip:" + address_key(request),
                                                       to_unix_seconds(now), limits.window_seconds,
                                                       limits.civil_status_per_address);
    if (!by_address.allowed)
        return too_many_requests(request, ctx, loaded, feedback, std::max<std::int64_t>(by_address.retry_after, 1));
    if (entry->nir && nir_has_account(actx.db, actx.protector, *entry->nir))
        return nir_taken_page(ctx, loaded.value.interaction_id, 409);

    loaded.value.civil_status = to_json(*entry);
    loaded.value.stage = Stage::identity_document;
    drafts_of(ctx).save(loaded, now);
    return to_stage_page();
}

// Rule applied (SPEC.md §4 asks the document of a person who is not allocataire and not in an
// allocataire household; that is not known here yet): a person without NIR must give a document
// or declare having none; with a NIR the document is optional (empty fields skip it).
http::Response submit_identity_document(const http::Request& request, CreationContext& ctx, LoadedDraft& loaded,
                                        const http::Params& form) {
    const auto now = ctx.account.clock.now();
    auto& d = loaded.value;
    auto civil = civil_status_from_json(d.civil_status);
    if (!civil) {
        d.stage = Stage::civil_status;
        drafts_of(ctx).save(loaded, now);
        return to_stage_page();
    }
    const auto action = param(form, "action");
    Feedback feedback;
    feedback.values = shown_again(form);
    if (action == "sans-piece") {
        feedback.no_document_warning = true;
        return render(request, ctx, loaded, feedback, 200);
    }
    if (action == "retour-piece") return render(request, ctx, loaded, feedback, 200);
    if (action == "retour") {
        d.stage = Stage::civil_status;
        drafts_of(ctx).save(loaded, now);
        return to_stage_page();
    }
    if (action == "confirmer-sans-piece") {
        d.identity_document = {{"none", true}};
        d.documents_required = true;
    } else {
        const auto type = param(form, document_field::type);
        const auto number = param(form, document_field::number);
        const auto issued = param(form, document_field::issue_date);
        const bool blank = type.empty() && normalise_document_number(number).empty() &&
                           issued.find_first_not_of(" ") == std::string::npos;
        if (blank && civil->nir) {
            d.identity_document = nullptr;
            d.documents_required = false;
        } else {
            auto check = check_identity_document(type, number, issued, civil->birth_date, calendar_day(now));
            for (const auto& problem : check.problems) {
                const char* field = problem.field == IdentityDocumentField::type     ? document_field::type
                                    : problem.field == IdentityDocumentField::number ? document_field::number
                                                                                     : document_field::issue_date;
                feedback.errors.emplace(field, problem.message);
            }
            if (check.document) {
                switch (ctx.verifier.verify(*check.document)) {
                    case DocumentVerification::confirmed: d.documents_required = false; break;
                    // The registry cannot answer now: the creation goes on, the documents are asked later.
                    case DocumentVerification::unavailable: d.documents_required = true; break;
                    case DocumentVerification::rejected:
                        feedback.errors[document_field::number] =
                            "Ce numéro de pièce d'identité n'a pas pu être vérifié. Vérifiez votre saisie.";
                        break;
                }
            }
            if (!feedback.errors.empty()) return render(request, ctx, loaded, feedback, 400);
            d.identity_document = {{"type", to_string(check.document->type)},
                                   {"number", check.document->number},
                                   {"issued_on", iso_date(check.document->issued_on)}};
        }
    }
    d.stage = Stage::contact;
    drafts_of(ctx).save(loaded, now);
    return to_stage_page();
}

// The seconds to wait when this address or this destination has had its codes for the window;
// nullopt when the send may go (and is then counted against both).
std::optional<std::int64_t> code_send_refusal(const http::Request& request, CreationContext& ctx,
                                              const ContactEntry& contact, TimePoint now) {
    auto& actx = ctx.account;
    const auto& limits = ctx.settings.limits;
    const auto kind = contact.channel == CodeChannel::email ? PersonalDataKind::email : PersonalDataKind::phone;
    const auto destination = "creation-code-to:" + crypto::hex_encode(actx.protector.lookup(kind, contact.value));
    const auto address = "creation-code-ip:" + address_key(request);
    return actx.db.transaction([&](storage::Connection& c) -> std::optional<std::int64_t> {
        storage::RateLimits rates(actx.db);
        const auto now_s = to_unix_seconds(now);
        auto by_destination = rates.hit(c, destination, now_s, limits.window_seconds, limits.codes_per_destination);
        if (!by_destination.allowed) return std::max<std::int64_t>(by_destination.retry_after, 1);
        auto by_address = rates.hit(c, address, now_s, limits.window_seconds, limits.codes_per_address);
        if (!by_address.allowed) return std::max<std::int64_t>(by_address.retry_after, 1);
        return std::nullopt;
    });
}

http::Response submit_contact(const http::Request& request, CreationContext& ctx, LoadedDraft& loaded,
                              const http::Params& form) {
    auto& actx = ctx.account;
    const auto now = actx.clock.now();
    auto& d = loaded.value;
    const auto action = param(form, "action");
    Feedback feedback;
    if (!actx.codes) {
        feedback.alert = "L'envoi du code de vérification est momentanément indisponible. Veuillez réessayer plus tard.";
        return render(request, ctx, loaded, feedback, 503);
    }
    const auto subject = code_subject(loaded.id);
    auto drafts = drafts_of(ctx);

    if (action == "changer") {
        d.code_id.reset();
        d.channel.reset();
        d.contact.clear();
        drafts.save(loaded, now);
        return to_stage_page();
    }
    if (action == "envoyer" || (action == "nouveau-code" && d.code_id)) {
        const bool resend = action == "nouveau-code";
        std::optional<ContactEntry> contact;
        if (resend) {
            contact = ContactEntry{*d.channel, d.contact};
        } else {
            auto checked = check_contact_form(form);
            if (!checked) {
                feedback.values = shown_again(form);
                feedback.errors = checked.error();
                d.code_id.reset();
                return render(request, ctx, loaded, feedback, 400);
            }
            contact = *checked;
        }
        // Per address and per destination, whatever the draft: a new draft must not buy new
        // sends (SMS pumping, mail bombing). The destination is keyed like any contact lookup. A
        // resend the code service refuses anyway (too soon) is not counted: it sends nothing.
        const bool refused_anyway =
            resend && actx.codes->resend_refusal(*d.code_id, contact_code_purpose, subject, now).has_value();
        if (!refused_anyway) {
            if (auto wait = code_send_refusal(request, ctx, *contact, now)) {
                if (!resend) feedback.values = shown_again(form);
                return too_many_requests(request, ctx, loaded, feedback, *wait);
            }
        }
        CodeDelivery delivery{contact_code_purpose, subject, contact->channel,
                              resend ? d.code_id : std::nullopt, contact->value, std::nullopt};
        auto outcome = deliver_code(actx.db, *actx.codes, actx.protector, delivery, now,
                                    [&](storage::Connection& c, const SentCode& sent) {
                                        LoadedDraft updated = loaded;
                                        updated.value.channel = contact->channel;
                                        updated.value.contact = contact->value;
                                        updated.value.code_id = sent.id;
                                        updated.value.contact_verified = false;
                                        drafts.save(c, updated, now);
                                    });
        if (!outcome) {
            feedback.alert = resend_message(outcome);
            if (!resend) feedback.values = shown_again(form);
            return render(request, ctx, loaded, feedback, 429);
        }
        d.channel = contact->channel;
        d.contact = contact->value;
        d.code_id = outcome->id;
        if (!resend) return to_stage_page();
        feedback.info = resend_message(outcome);
        return render(request, ctx, loaded, feedback, 200);
    }
    if (action == "valider" && d.code_id) {
        std::optional<CodeVerification> verification;
        actx.db.transaction([&](storage::Connection& c) {
            verification = actx.codes->verify(c, *d.code_id, contact_code_purpose, subject, param(form, "code"), now);
            if (verification->outcome != CodeCheck::ok) return;
            LoadedDraft updated = loaded;
            updated.value.contact_verified = true;
            updated.value.code_id.reset();
            updated.value.stage = Stage::password;
            drafts.save(c, updated, now);
        });
        if (verification->outcome != CodeCheck::ok) {
            feedback.errors["code"] = message(*verification);
            return render(request, ctx, loaded, feedback, 400);
        }
        return to_stage_page();
    }
    return to_stage_page();
}

std::optional<std::string> client_of(CreationContext& ctx, const std::string& interaction_id, TimePoint now) {
    auto found = storage::Interactions(ctx.account.db).find(login::digest(interaction_id), to_unix_seconds(now));
    if (!found || !found->request.is_object()) return std::nullopt;
    auto it = found->request.find(login::request_field::client_id);
    if (it == found->request.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

// The new account logs in like any login (login_finish): through the provider the creation
// started from (its ID token kept for the chained logout), or with its password when a client's
// interaction asked for the creation (prompt=create).
http::Response log_in_created(const http::Request& request, CreationContext& ctx, const CreationDraft& d,
                              const Created& created, TimePoint now) {
    auto& actx = ctx.account;
    LoginToComplete login{created.account_id, d.interaction_id, std::nullopt, {std::string(session::amr_password)},
                          std::string(session::acr_password), "pwd"};
    if (d.external) {
        const auto& p = *d.external;
        login = {created.account_id, d.interaction_id, p.client_id, p.amr, p.acr, p.provider,
                 session::UpstreamLogin{p.provider, p.id_token}};
    } else {
        login.client_id = client_of(ctx, *d.interaction_id, now);
    }
    std::vector<PendingStep> pending;
    if (auto account = storage::Accounts(actx.db).find(created.account_id))
        pending = pending_steps_of(actx, *account, now);
    auto finished = finish_login(request, actx, login, pending, now);
    // A provisional identifier must be seen before going on: the recap links to what comes next.
    http::Response response = finished.interaction_expired ? expired_interaction_page(actx.pages)
                              : created.provisional        ? to_stage_page()
                                                           : http::Response::redirect(finished.next, 303);
    finished.add_cookies(response);
    if (d.external) response.headers.add("Set-Cookie", linking::PendingExternalIdentities::clearing_cookie());
    return response;
}

http::Response submit_password(const http::Request& request, CreationContext& ctx, LoadedDraft& loaded,
                               const http::Params& form) {
    auto& actx = ctx.account;
    auto& d = loaded.value;
    auto civil = civil_status_from_json(d.civil_status);
    if (!civil || !d.contact_verified || !d.channel) {
        d.stage = civil ? Stage::contact : Stage::civil_status;
        drafts_of(ctx).save(loaded, actx.clock.now());
        return to_stage_page();
    }
    const auto password = param(form, "nouveau_mot_de_passe");
    const auto confirmation = param(form, "confirmation");
    Feedback feedback;
    std::string policy;
    for (auto rule : check_new_password(password)) policy += (policy.empty() ? "" : " ") + std::string(message(rule));
    if (!policy.empty()) feedback.errors["nouveau_mot_de_passe"] = policy;
    else if (auto mismatch = check_confirmation(password, confirmation))
        feedback.errors["confirmation"] = std::string(*mismatch);
    if (param(form, "accepte_cgu") != "1")
        feedback.errors["accepte_cgu"] = "Pour créer votre compte, vous devez prendre connaissance des conditions "
                                         "générales d'utilisation et les accepter en cochant la case.";
    if (!feedback.errors.empty()) return render(request, ctx, loaded, feedback, 400);

    AccountToCreate account{*civil, d.identity_document, d.documents_required, *d.channel, d.contact,
                            actx.hasher.hash(password), actx.config.cgu.version};
    const auto now = actx.clock.now();
    auto drafts = drafts_of(ctx);
    const auto& external = d.external;
    auto outcome = create_account(actx.db, actx.protector, actx.random, account, now,
                                  [&](storage::Connection& c, const Created& created) {
                                      LoadedDraft updated = loaded;
                                      updated.value.stage = Stage::recap;
                                      updated.value.account_id = created.account_id;
                                      updated.value.identifier = created.identifier;
                                      drafts.save(c, updated, now);
                                      // Started from an external identity: linked in the same
                                      // transaction, its pending draft gone.
                                      if (!external) return;
                                      linking::link_external_identity(c, actx.db, created.account_id,
                                                                      external->provider, external->subject,
                                                                      "creation", to_unix_seconds(now));
                                      linking::PendingExternalIdentities(actx.db, actx.random)
                                          .remove(c, d.external_pending_id);
                                  });
    if (std::holds_alternative<NirAlreadyHasAccount>(outcome)) {
        actx.db.transaction([&](storage::Connection& c) { drafts.remove(c, loaded.id); });
        auto response = nir_taken_page(ctx, d.interaction_id, 409);
        response.headers.add("Set-Cookie", CreationDrafts::clearing_cookie());
        return response;
    }
    const auto& created = std::get<Created>(outcome);
    // Without a client's interaction, a native creation ends on its recap, not logged in.
    if (!external && !d.interaction_id) return to_stage_page();
    return log_in_created(request, ctx, d, created, now);
}

}  // namespace

http::Response show_intro(const http::Request& request, CreationContext& ctx) {
    auto& actx = ctx.account;
    auto interaction = interaction_param(request);
    auto issued = actx.csrf.issue(request, csrf_purpose);
    nlohmann::json data{{"title", "Créer Mon Compte"},
                        {"csrf_field", CsrfGuard::field_name},
                        {"csrf_token", issued.token},
                        {"action", std::string(creation_path)},
                        {"login_href", with_interaction("/connexion", interaction)}};
    if (interaction) data["interaction"] = *interaction;
    // SPEC.md §8: "S'identifier avec FranceConnect" here too, first; the same flow as the login page's.
    for (const auto& p : actx.config.providers)
        if (p.name == "franceconnect") data["franceconnect_link"] = with_interaction("/franceconnect", interaction);
    auto response = actx.pages.page(200, "account_creation_intro", data);
    CsrfGuard::apply(issued, response);
    return with_no_store(std::move(response));
}

http::Response start_creation(const http::Request& request, CreationContext& ctx) {
    auto& actx = ctx.account;
    const auto& form = request.form_params();
    std::optional<std::string> interaction = http::find_param(form, "interaction");
    if (interaction && (interaction->empty() || interaction->size() > 128)) interaction.reset();
    if (!actx.csrf.verify(request, csrf_purpose)) return refused_form_page(actx.pages, interaction);
    CreationDraft draft;
    draft.interaction_id = interaction;
    auto cookie = drafts_of(ctx).start(std::move(draft), actx.clock.now());
    auto response = to_stage_page();
    response.headers.add("Set-Cookie", cookie);
    return response;
}

http::Response show_stage(const http::Request& request, CreationContext& ctx) {
    auto loaded = drafts_of(ctx).load(request, ctx.account.clock.now());
    if (!loaded) return no_draft(ctx);
    Feedback feedback;
    // Coming back to step 1 (or reloading it): the form shows what the draft holds.
    if (loaded->value.stage == Stage::civil_status) {
        if (auto civil = civil_status_from_json(loaded->value.civil_status)) {
            namespace f = civil_field;
            auto& v = feedback.values;
            v = {{f::has_nir, civil->nir ? "oui" : "non"},
                 {f::nir, civil->nir.value_or("")},
                 {f::civility, civil->civility == Civility::madame ? "madame" : "monsieur"},
                 {f::birth_name, civil->birth_name},
                 {f::first_names, civil->first_names},
                 {f::usage_name, civil->usage_name},
                 {f::birth_date, french_date(civil->birth_date)},
                 {f::birth_place, civil->born_abroad ? "etranger" : "france"},
                 {f::departement, civil->departement},
                 {f::commune, civil->commune},
                 {f::country, civil->country},
                 {f::city, civil->city},
                 {f::parent1_name, civil->parent1.birth_name},
                 {f::parent1_first_names, civil->parent1.first_names},
                 {f::parent2_name, civil->parent2.birth_name},
                 {f::parent2_first_names, civil->parent2.first_names}};
        }
    }
    return render(request, ctx, *loaded, feedback, 200);
}

http::Response submit_stage(const http::Request& request, CreationContext& ctx) {
    auto& actx = ctx.account;
    if (!actx.csrf.verify(request, csrf_purpose)) return refused_form_page(actx.pages, std::nullopt);
    auto loaded = drafts_of(ctx).load(request, actx.clock.now());
    if (!loaded) return no_draft(ctx);
    const auto& form = request.form_params();
    // A form of another page (the back button, a second tab): show the current one instead.
    if (param(form, "etape") != to_string(loaded->value.stage)) return to_stage_page();
    switch (loaded->value.stage) {
        case Stage::civil_status: return submit_civil_status(request, ctx, *loaded, form);
        case Stage::identity_document: return submit_identity_document(request, ctx, *loaded, form);
        case Stage::contact: return submit_contact(request, ctx, *loaded, form);
        case Stage::password: return submit_password(request, ctx, *loaded, form);
        case Stage::recap: return to_stage_page();
    }
    return to_stage_page();
}

http::Response quit_creation(const http::Request& request, CreationContext& ctx) {
    auto& actx = ctx.account;
    if (!actx.csrf.verify(request, csrf_purpose)) return refused_form_page(actx.pages, std::nullopt);
    auto drafts = drafts_of(ctx);
    auto loaded = drafts.load(request, actx.clock.now());
    std::optional<std::string> interaction;
    if (loaded) {
        interaction = loaded->value.interaction_id;
        actx.db.transaction([&](storage::Connection& c) { drafts.remove(c, loaded->id); });
    }
    auto response = http::Response::redirect(with_interaction("/connexion", interaction), 303);
    response.headers.add("Set-Cookie", CreationDrafts::clearing_cookie());
    return response;
}

}  // namespace caf::account::creation
