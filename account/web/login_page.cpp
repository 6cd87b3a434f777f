// Login page handlers: parse, call, render. The rules are in LoginService.
#include "account/web/login_page.hpp"

#include <nlohmann/json.hpp>

#include "account/lockout/lockout_messages.hpp"
#include "account/login/login_form.hpp"
#include "account/login/login_service.hpp"
#include "account/login/remembered_identifier.hpp"
#include "account/session/sso_session.hpp"
#include "account/web/account_context.hpp"
#include "account/web/login_finish.hpp"
#include "account/web/page_support.hpp"
#include "core/crypto.hpp"
#include "core/login_contract.hpp"
#include "storage/audit_log.hpp"
#include "storage/interactions.hpp"
#include "storage/rate_limits.hpp"

namespace caf::account {
namespace {

constexpr std::string_view csrf_purpose = "login";

// The interaction named by the query: none asked, a live one, or one that cannot be used.
struct InteractionLookup {
    std::optional<std::string> id;  // set when asked
    std::optional<nlohmann::json> request;  // set when live
    bool expired() const { return id && !request; }
};

InteractionLookup find_interaction(const http::Request& request, AccountContext& ctx) {
    InteractionLookup out;
    out.id = interaction_param(request);
    if (!out.id) {
        // "?interaction=" with an unusable value is a broken link from a client, not "no client".
        if (http::find_param(request.query_params(), "interaction")) out.id = std::string();
        return out;
    }
    auto found = storage::Interactions(ctx.db).find(login::digest(*out.id), to_unix_seconds(ctx.clock.now()));
    if (found) out.request = std::move(found->request);
    return out;
}

std::string request_string(const nlohmann::json& request, const char* field) {
    auto it = request.find(field);
    return it != request.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// What the page shows; everything the person typed comes back only in its own field.
struct LoginPageState {
    InteractionLookup interaction;
    bool provisional = false;
    std::string identifier;
    bool remember = false;
    bool remembered = false;  // a remembered identifier prefilled the field
    std::optional<std::string> identifier_error;
    std::optional<std::string> password_error;
    std::optional<std::string> alert;
    bool captcha = false;  // show a fresh "Vérification de sécurité" challenge
    std::optional<std::string> captcha_error;
};

http::Response render_login(const http::Request& request, AccountContext& ctx, const LoginPageState& s, int status) {
    const auto& id = s.interaction.id;
    auto issued = ctx.csrf.issue(request, csrf_purpose);
    nlohmann::json data{
        // An error in the title too: it is the first thing a screen reader says of the new page.
        {"title", s.identifier_error || s.password_error || s.alert ? "Erreur — Connexion" : "Connexion"},
        {"csrf_field", CsrfGuard::field_name},
        {"csrf_token", issued.token},
        {"action", with_interaction("/connexion", id)},
        {"provisional", s.provisional},
        {"identifier_label", s.provisional ? "Identifiant provisoire" : "Numéro de Sécurité sociale"},
        {"identifier_hint", s.provisional ? "P suivi de 8 chiffres" : "13 caractères, sans la clé"},
        {"identifier", s.identifier},
        {"remember", s.remember},
        {"remembered", s.remembered},
        {"provisional_link", with_interaction("/connexion", id, "provisoire=1")},
        {"back_link", with_interaction("/connexion", id, "provisoire=0")},
        {"forget_link", with_interaction("/connexion/oublier-identifiant", id)},
        {"franceconnect_link", with_interaction("/franceconnect", id)},
        {"create_account_link", with_interaction(login::create_account_path, id)},
        {"forgot_password_link", with_interaction("/mot-de-passe-oublie", id)},
        {"forgot_provisional_link", with_interaction("/identifiant-provisoire-oublie", id)},
        {"scripts", {"/static/identifiant.js"}},
    };
    if (s.interaction.request) {
        auto name = request_string(*s.interaction.request, login::request_field::client_name);
        if (!name.empty()) data["client_name"] = name;
    }
    if (s.identifier_error) data["identifier_error"] = *s.identifier_error;
    if (s.password_error) data["password_error"] = *s.password_error;
    if (s.alert) data["alert"] = *s.alert;
    if (s.captcha) add_captcha(data, ctx, issued.token, s.captcha_error);
    if (s.captcha_error || s.identifier_error || s.password_error || s.alert) data["title"] = "Erreur — Connexion";
    auto response = ctx.pages.page(status, "account_login", data);
    CsrfGuard::apply(issued, response);
    return response;
}

bool is_provisional(const LoginIdentifier& identifier) { return std::holds_alternative<ProvisionalId>(identifier); }

std::string shown(const LoginIdentifier& identifier) {
    if (const auto* nir = std::get_if<Nir>(&identifier)) return nir->display();
    return std::get<ProvisionalId>(identifier).str();
}

// Turns each outcome of a login attempt into the response; the only place that does.
struct LoginResponse {
    const http::Request& request;
    AccountContext& ctx;
    const LoginForm& form;
    const InteractionLookup& interaction;

    LoginPageState again() const {
        LoginPageState s;
        s.interaction = interaction;
        s.provisional = form.provisional_mode;
        s.identifier = form.identifier;
        s.remember = form.remember;
        s.captcha = !form.captcha_id.empty();  // a challenge stays on the form once it was there
        return s;
    }

    http::Response operator()(const password_login::Authenticated& ok) const {
        std::optional<std::string> client;
        if (interaction.request) {
            auto id = request_string(*interaction.request, login::request_field::client_id);
            if (!id.empty()) client = id;
        }
        LoginToComplete done{ok.account_id, interaction.id, client, {std::string(session::amr_password)},
                             std::string(session::acr_password), "pwd"};
        auto response = finished_login_response(ctx, finish_login(request, ctx, done, ok.pending, ctx.clock.now()));
        response.headers.add("Set-Cookie", form.remember ? remember_identifier_cookie(ctx.protector, ok.identifier)
                                                         : forget_identifier_cookie());
        return response;
    }

    http::Response operator()(const password_login::WrongCredentials& wrong) const {
        auto s = again();
        s.alert = wrong_credentials_message(wrong.attempts_left, ctx.lockout.config().freeze_after_failures, wrong.kind);
        if (wrong.captcha_required) s.captcha = true;
        return render_login(request, ctx, s, 400);
    }

    http::Response operator()(const password_login::Frozen& frozen) const {
        // The freeze notice, when this attempt froze the account, is already queued (LoginService).
        auto s = again();
        s.alert = frozen_message(frozen.remaining);
        // The attempt after the freeze needs the captcha: the form carries one from now on.
        s.captcha = true;
        auto response = render_login(request, ctx, s, 429);
        response.headers.set("Retry-After", std::to_string(frozen.remaining.count()));
        return response;
    }

    http::Response operator()(const password_login::InvalidIdentifier& invalid) const {
        auto s = again();
        s.identifier_error = invalid.message;
        return render_login(request, ctx, s, 400);
    }

    http::Response operator()(const password_login::CaptchaRefused& refused) const {
        auto s = again();
        s.captcha = true;
        s.captcha_error = password_login::captcha_message(refused.missing);
        s.alert = *s.captcha_error;
        return render_login(request, ctx, s, 400);
    }

    http::Response operator()(const password_login::MissingPassword& missing) const {
        auto s = again();
        s.password_error = missing.message;
        return render_login(request, ctx, s, 400);
    }
};

}  // namespace

http::Response show_login_page(const http::Request& request, AccountContext& ctx) {
    LoginPageState s;
    s.interaction = find_interaction(request, ctx);
    if (s.interaction.expired()) return expired_interaction_page(ctx.pages);

    // The client's login_hint first, then the identifier remembered on this device.
    std::optional<LoginIdentifier> prefill;
    if (s.interaction.request) {
        auto hint = request_string(*s.interaction.request, login::request_field::login_hint);
        if (auto parsed = parse_login_identifier(hint)) prefill = std::move(*parsed);
    }
    auto remembered = remembered_identifier(ctx.protector, request);
    if (!prefill && remembered) prefill = remembered;

    const auto mode = http::find_param(request.query_params(), "provisoire");
    s.provisional = mode ? *mode == "1" : (prefill && is_provisional(*prefill));
    if (prefill && is_provisional(*prefill) == s.provisional) {
        s.identifier = shown(*prefill);
        s.remembered = remembered && *remembered == *prefill;
    }
    s.remember = remembered.has_value();
    return render_login(request, ctx, s, 200);
}

http::Response submit_login(const http::Request& request, AccountContext& ctx) {
    auto interaction = find_interaction(request, ctx);
    if (!ctx.csrf.verify(request, csrf_purpose)) return refused_form_page(ctx.pages, interaction.id);
    if (interaction.expired()) return expired_interaction_page(ctx.pages);

    // Every post counts, whatever its identifier.
    const auto now = ctx.clock.now();
    const LoginForm form = read_login_form(request.form_params());
    LoginResponse respond{request, ctx, form, interaction};
    if (auto wait = hit_login_ip_limit(request, ctx, now)) {
        auto s = respond.again();
        s.alert = ip_rate_limit_message(*wait);
        auto response = render_login(request, ctx, s, 429);
        response.headers.set("Retry-After", std::to_string(wait->count()));
        return response;
    }
    // "Afficher une nouvelle image": the same form with a fresh challenge, nothing attempted.
    if (http::find_param(request.form_params(), "nouvelle_image")) {
        auto s = respond.again();
        s.captcha = true;
        return render_login(request, ctx, s, 200);
    }

    const auto rules = step_rules(ctx.config);
    password_login::LoginService service(ctx.db, ctx.protector, ctx.hasher, ctx.lockout, ctx.captcha, &rules);
    const auto binding = http::find_param(request.form_params(), CsrfGuard::field_name).value_or("");
    auto outcome = service.attempt(form, now, binding);
    return std::visit(respond, outcome);
}

std::optional<std::chrono::seconds> hit_login_ip_limit(const http::Request& request, AccountContext& ctx,
                                                       TimePoint now) {
    const auto& limits = ctx.config.lockout;
    const auto ip_key = "login-ip:" + crypto::hex_encode(crypto::sha256(request.remote_address));
    auto decision = storage::RateLimits(ctx.db).hit(ip_key, to_unix_seconds(now), limits.ip_window_minutes * 60LL,
                                                    limits.ip_max_attempts);
    if (decision.allowed) return std::nullopt;
    return std::chrono::seconds{std::max<std::int64_t>(decision.retry_after, 1)};
}

std::string ip_rate_limit_message(std::chrono::seconds retry_after) {
    const auto minutes = std::max<std::int64_t>(1, (retry_after.count() + 59) / 60);
    return "Trop de tentatives depuis votre connexion. Réessayez dans " + std::to_string(minutes) +
           (minutes == 1 ? " minute." : " minutes.");
}

http::Response forget_remembered_identifier(const http::Request& request, AccountContext&) {
    auto response = http::Response::redirect(with_interaction("/connexion", interaction_param(request)), 303);
    response.headers.add("Set-Cookie", forget_identifier_cookie());
    return response;
}

}  // namespace caf::account
