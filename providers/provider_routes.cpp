// Relying-party handlers: parse, call UpstreamProvider and account/linking, render.
#include "providers/provider_routes.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "account/identifiers/nir.hpp"
#include "account/linking/external_links.hpp"
#include "account/linking/pending_external_identity.hpp"
#include "account/web/login_finish.hpp"
#include "account/web/page_support.hpp"
#include "core/login_contract.hpp"
#include "providers/identity_pivot.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/interactions.hpp"

namespace caf::providers {
namespace {

using account::AccountContext;

AuthorizationStates authorization_states(AccountContext& ctx) {
    return AuthorizationStates(ctx.db, ctx.random);
}

void no_store(http::Response& response) { response.headers.set("Cache-Control", "no-store"); }

void audit_rejection(AccountContext& ctx, const std::string& provider, const std::string& reason,
                     const std::optional<std::string>& client_id) {
    storage::NewAuditEntry entry;
    entry.at = to_unix_seconds(ctx.clock.now());
    entry.actor_type = "system";
    entry.action = "provider.callback_rejected";
    entry.details = {{"provider", provider}, {"reason", reason}};
    if (client_id) entry.details["client_id"] = *client_id;
    storage::AuditLog(ctx.db).append(entry);
}

// "Connexion avec FranceConnect impossible", back to the login page of the same interaction.
http::Response refusal_page(AccountContext& ctx, const config::ProviderConfig& provider, const std::string& message,
                            const std::optional<std::string>& interaction, int status = 400) {
    const std::string heading = "Connexion avec " + provider.label + " impossible";
    auto response = ctx.pages.page(status, "account_message",
                                   {{"title", "Erreur — " + heading},
                                    {"heading", heading},
                                    {"message", message},
                                    {"link_href", account::with_interaction(login::login_path, interaction)},
                                    {"link_text", "Revenir à la connexion"}});
    no_store(response);
    return response;
}

// The client of a live interaction, for audit entries; nullopt when none or expired.
struct LiveInteraction {
    bool expired = false;
    std::optional<std::string> client_id;
};
LiveInteraction look_up_interaction(AccountContext& ctx, const std::optional<std::string>& id) {
    LiveInteraction out;
    if (!id) return out;
    auto found = storage::Interactions(ctx.db).find(login::digest(*id), to_unix_seconds(ctx.clock.now()));
    if (!found) {
        out.expired = true;
        return out;
    }
    auto it = found->request.find(login::request_field::client_id);
    if (it != found->request.end() && it->is_string()) out.client_id = it->get<std::string>();
    return out;
}

http::Response start(const http::Request& request, AccountContext& ctx, UpstreamProvider& provider) {
    auto interaction = account::interaction_param(request);
    auto live = look_up_interaction(ctx, interaction);
    if (live.expired) return account::expired_interaction_page(ctx.pages);
    const auto now = ctx.clock.now();
    auto started = provider.start(interaction, now);
    if (!started) {
        audit_rejection(ctx, provider.config().name, started.error().reason, live.client_id);
        return refusal_page(ctx, provider.config(), started.error().message, interaction, 503);
    }
    auto cookie = authorization_states(ctx).start(started->pending, now);
    auto response = http::Response::redirect(started->url, 302);
    response.headers.add("Set-Cookie", cookie);
    no_store(response);
    return response;
}

std::optional<std::string> verified_nir(const config::ProviderConfig& provider, const nlohmann::json& claims) {
    if (provider.verified_nir_claim.empty()) return std::nullopt;
    auto it = claims.find(provider.verified_nir_claim);
    if (it == claims.end() || !it->is_string()) return std::nullopt;
    auto nir = account::Nir::parse(it->get<std::string>());
    if (!nir) return std::nullopt;
    return nir->canonical();
}

// A linked account logs in like a native login: the same pending steps (CGU, first connection,
// the delegation question), through account/login's one end of a login.
http::Response log_in(const http::Request& request, AccountContext& ctx, const UpstreamProvider& provider,
                      const AuthenticatedUpstream& upstream, std::int64_t account_id,
                      const PendingAuthorization& pending, const std::optional<std::string>& client_id,
                      bool linked_now) {
    const auto now = ctx.clock.now();
    const auto& name = provider.config().name;
    std::vector<std::string> amr = upstream.identity.amr;
    if (amr.empty()) amr = {"fc"};
    account::LoginToComplete login{account_id, pending.interaction_id, client_id, amr, upstream.identity.acr,
                                   name, account::session::UpstreamLogin{name, upstream.id_token}};
    std::vector<account::PendingStep> steps;
    if (auto account = storage::Accounts(ctx.db).find(account_id)) steps = account::pending_steps_of(ctx, *account, now);
    auto finished = account::finish_login(request, ctx, login, steps, now);
    if (!linked_now || finished.interaction_expired) {
        auto response = account::finished_login_response(ctx, finished);
        no_store(response);
        return response;
    }
    // Told once, on the way (SPEC.md §8 step 2).
    const auto& label = provider.config().label;
    auto response = ctx.pages.page(200, "account_message",
                                   {{"title", "Compte associé"},
                                    {"heading", "Compte associé"},
                                    {"message", "Votre compte " + label +
                                                    " a été associé à votre compte Caf. Vous pourrez désormais "
                                                    "vous connecter avec " + label + "."},
                                    {"link_href", finished.next},
                                    {"link_text", "Continuer"}});
    finished.add_cookies(response);
    no_store(response);
    return response;
}

http::Response callback(const http::Request& request, AccountContext& ctx, UpstreamProvider& provider) {
    const auto& config = provider.config();
    const auto now = ctx.clock.now();
    auto params = callback_params(request.query_params());
    auto states = authorization_states(ctx);

    auto refuse = [&](const std::string& reason, const std::string& message,
                      const std::optional<std::string>& interaction, const std::optional<std::string>& client,
                      bool clear_state = true) {
        audit_rejection(ctx, config.name, reason, client);
        auto response = refusal_page(ctx, config, message, interaction);
        if (clear_state) response.headers.add("Set-Cookie", states.clearing_cookie());
        return response;
    };
    const std::string stale = "Cette demande de connexion avec " + config.label +
                              " a expiré ou a déjà été utilisée. Veuillez recommencer.";
    if (!params.state) return refuse("state_missing", stale, std::nullopt, std::nullopt);
    auto taken = states.take(request, now,
                             [&](const PendingAuthorization& p) { return returns_state(p.state, *params.state); });
    if (taken.outcome == storage::TakeOutcome::mismatch)
        // A forged callback must not cancel the person's own pending login: the state stays.
        return refuse("state_mismatch", stale, std::nullopt, std::nullopt, false);
    const auto& pending = taken.value;
    if (!pending || pending->provider != config.name) return refuse("state_unknown", stale, std::nullopt, std::nullopt);

    auto live = look_up_interaction(ctx, pending->interaction_id);
    auto done = provider.finish(*pending, params, now);
    if (!done) return refuse(done.error().reason, done.error().message, pending->interaction_id, live.client_id);

    const auto pivot_claims = with_pivot_names(done->identity.claims, config.claim_names);
    auto person = person_from_pivot(pivot_claims);
    if (!person)
        return refuse("pivot_invalid",
                      "Les informations d'identité transmises par " + config.label + " sont incomplètes.",
                      pending->interaction_id, live.client_id);

    account::linking::ExternalIdentityClaims claims{config.name, done->identity.sub, *person,
                                                    verified_nir(config, done->identity.claims)};
    auto resolved = account::linking::resolve_external_identity(ctx.db, ctx.protector, claims, to_unix_seconds(now));
    using account::linking::Resolution;
    // Linked to an account that may not log in (blocked, disabled, closed): no session, no code,
    // and one message whatever the status, as the login form gives one answer.
    if (resolved.resolution == Resolution::unusable)
        return refuse("account_unusable", std::string(account_unusable_message), pending->interaction_id,
                      live.client_id);
    http::Response response;
    if (resolved.account_id && (resolved.resolution == Resolution::known_link ||
                                resolved.resolution == Resolution::verified_nir ||
                                resolved.resolution == Resolution::pivot_match)) {
        response = log_in(request, ctx, provider, *done, *resolved.account_id, *pending, live.client_id,
                          resolved.resolution != Resolution::known_link);
    } else {
        // Step 3: the person chooses (account/linking's pages).
        account::linking::PendingExternalIdentity identity;
        identity.provider = config.name;
        identity.provider_label = config.label;
        identity.subject = done->identity.sub;
        identity.person = *person;
        identity.verified_nir = claims.verified_nir;
        if (auto email = pivot_claims.find("email");
            email != pivot_claims.end() && email->is_string() && !email->get<std::string>().empty())
            identity.email = email->get<std::string>();
        identity.acr = done->identity.acr;
        identity.amr = done->identity.amr.empty() ? std::vector<std::string>{"fc"} : done->identity.amr;
        identity.id_token = done->id_token;
        identity.interaction_id = pending->interaction_id;
        identity.client_id = live.client_id;
        auto cookie = account::linking::PendingExternalIdentities(ctx.db, ctx.random)
                          .start(std::move(identity), now);
        response = http::Response::redirect(std::string(account::linking::choice_path), 303);
        response.headers.add("Set-Cookie", cookie);
        no_store(response);
    }
    response.headers.add("Set-Cookie", states.clearing_cookie());
    return response;
}

http::Response logout_callback(const http::Request& request, AccountContext& ctx, UpstreamProvider& provider) {
    LogoutStates states(ctx.db, ctx.random);
    const auto state = http::find_param(request.query_params(), "state").value_or("");
    auto taken = states.take(request, ctx.clock.now(),
                             [&](const PendingUpstreamLogout& p) { return returns_state(p.state, state); });
    std::string next = "/deconnexion";
    if (taken.value && taken.value->provider == provider.config().name) next = taken.value->continue_to;
    // The local session is already ended: a doubtful return only loses the client's redirect.
    auto response = http::Response::redirect(next, 303);
    response.headers.add("Set-Cookie", states.clearing_cookie());
    no_store(response);
    return response;
}

}  // namespace

ProviderRegistry::ProviderRegistry(const config::Config& config, http::HttpFetcher& fetcher, const Clock& clock,
                                   Random& random, MetadataSettings settings) {
    // A provider never holds more than half the worker pool, whatever its setting: the other
    // half serves tokens, introspection and native logins while it hangs.
    const unsigned share = std::max(1u, config.workers.threads / 2);
    for (auto p : config.providers) {
        p.max_concurrent_calls = std::min(p.max_concurrent_calls, share);
        providers_.emplace(p.name, std::make_unique<UpstreamProvider>(p, fetcher, clock, random, settings));
    }
}

UpstreamProvider* ProviderRegistry::find(std::string_view name) const {
    auto it = providers_.find(name);
    return it == providers_.end() ? nullptr : it->second.get();
}

std::optional<UpstreamLogoutRedirect> ChainedLogout::start(const std::string& provider, const std::string& id_token,
                                                           const std::string& continue_to, TimePoint now) {
    auto* upstream = registry_.find(provider);
    if (!upstream) return std::nullopt;
    const auto state = random_hex64(random_);
    auto url = upstream->end_session_url(id_token, state);
    if (!url) return std::nullopt;
    auto cookie = states_.start(PendingUpstreamLogout{provider, state, continue_to}, now);
    return UpstreamLogoutRedirect{*url, cookie};
}

void register_provider_routes(http::Router& router, AccountContext& ctx, ProviderRegistry& registry) {
    using http::Execution;
    using http::Request;
    for (const auto& [name, owned] : registry.all()) {
        UpstreamProvider* provider = owned.get();
        const std::string base = "/providers/" + name;
        router.add("GET", login::provider_start_path(name), Execution::blocking,
                   [&ctx, provider](const Request& r) { return start(r, ctx, *provider); });
        router.add("GET", base + "/callback", Execution::blocking,
                   [&ctx, provider](const Request& r) { return callback(r, ctx, *provider); });
        router.add("GET", base + "/logout-callback", Execution::blocking,
                   [&ctx, provider](const Request& r) { return logout_callback(r, ctx, *provider); });
        if (name == "franceconnect")
            router.add("GET", "/franceconnect", Execution::blocking,
                       [&ctx, provider](const Request& r) { return start(r, ctx, *provider); });
    }
}

}  // namespace caf::providers
