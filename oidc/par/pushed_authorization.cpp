// Pushed authorization requests: validation, storage and the single-use take-back.
#include "oidc/par/pushed_authorization.hpp"

#include <algorithm>
#include <array>

#include "core/clock.hpp"
#include "core/login_contract.hpp"
#include "core/random.hpp"
#include "storage/pushed_requests.hpp"

namespace caf::oidc::par {
namespace {

// The client's credentials authenticate the push; they are not part of the request.
constexpr std::array<std::string_view, 3> credential_params{"client_secret", "client_assertion",
                                                            "client_assertion_type"};

constexpr std::string_view expired_message =
    "Votre demande de connexion a expiré ou a déjà été utilisée. Retournez sur le site de l'application "
    "et cliquez à nouveau sur « Se connecter ».";

unexpected<PushError> fail(oauth_error e, std::string description) {
    return unexpected<PushError>{PushError{e, std::move(description)}};
}

unexpected<AuthorizationError> page(oauth_error e, std::string description, std::string_view message) {
    return unexpected<AuthorizationError>{AuthorizationError{e, std::move(description), std::nullopt, std::string(message)}};
}

}  // namespace

bool requires_pushed_request(const ProviderContext& ctx, const Client& client) {
    return client.config.require_pushed_authorization_requests || ctx.config.oidc.require_pushed_authorization_requests;
}

expected<PushedAuthorization, PushError> push_authorization_request(const ProviderContext& ctx, const Client& client,
                                                                    const http::Params& form) {
    // RFC 9126 §2.1: a pushed request cannot itself point to another one.
    if (http::find_param(form, "request_uri")) return fail(oauth_error::invalid_request, "request_uri is not allowed at /par");

    http::Params params;
    for (const auto& [name, value] : form)
        if (std::find(credential_params.begin(), credential_params.end(), name) == credential_params.end())
            params.emplace_back(name, value);
    // client_id is optional in the body when the credentials name the client (Basic, assertion).
    if (!http::find_param(params, "client_id")) params.emplace_back("client_id", client.id());
    if (http::find_param(params, "client_id") != client.id())
        return fail(oauth_error::invalid_request, "client_id differs from the authenticated client");

    auto redirect_uri = http::find_param(params, "redirect_uri");
    if (!redirect_uri) return fail(oauth_error::invalid_request, "redirect_uri missing");
    if (!client.has_redirect_uri(*redirect_uri))
        return fail(oauth_error::invalid_redirect_uri, "redirect_uri is not registered for this client");

    auto validated = validate_authorization_request(ctx, params);
    if (!validated) {
        const auto& error = validated.error();
        // A page error is about the client or redirect URI, both checked above: invalid_request.
        return fail(error.redirect ? error.error : oauth_error::invalid_request, error.description);
    }

    // One member per name; a repeatable parameter (resource, RFC 8707) given more than once keeps
    // every value, as an array.
    nlohmann::json stored = nlohmann::json::object();
    for (const auto& [name, value] : params) {
        if (!stored.contains(name)) stored[name] = value;
        else if (stored[name].is_array()) stored[name].push_back(value);
        else stored[name] = nlohmann::json::array({stored[name], value});
    }
    auto request_uri = std::string(request_uri_prefix) + random_token(ctx.random, 32);
    const auto lifetime = std::min<std::int64_t>(ctx.config.oidc.request_uri_lifetime, 60);
    const auto now = to_unix_seconds(ctx.clock.now());
    storage::PushedRequests(ctx.db).create({login::digest(request_uri), client.id(), std::move(stored), now + lifetime});
    return PushedAuthorization{std::move(request_uri), lifetime};
}

expected<AuthorizationParams, AuthorizationError> authorization_params(const ProviderContext& ctx,
                                                                       const http::Params& front_channel) {
    // Another request_uri than ours (a request object by reference) is left to the validation,
    // which refuses it with request_uri_not_supported as discovery says.
    auto request_uri = http::find_param(front_channel, "request_uri");
    if (!request_uri || !request_uri->starts_with(request_uri_prefix)) return AuthorizationParams{front_channel, false};

    // Until the pushed request is found, no redirect URI is trusted: errors are pages.
    auto client_id = http::find_param(front_channel, "client_id");
    if (!client_id || client_id->empty() || http::is_repeated(front_channel, "client_id"))
        return page(oauth_error::invalid_request, "client_id is required with request_uri",
                    "La demande de connexion ne précise pas l'application qui la fait.");
    if (!ctx.clients.find(*client_id))
        return page(oauth_error::invalid_request, "unknown client",
                    "L'application qui demande la connexion n'est pas reconnue.");
    if (http::is_repeated(front_channel, "request_uri"))
        return page(oauth_error::invalid_request, "request_uri repeated", expired_message);

    auto pushed = storage::PushedRequests(ctx.db).consume(login::digest(*request_uri), *client_id,
                                                          to_unix_seconds(ctx.clock.now()));
    if (!pushed || !pushed->params.is_object())
        return page(oauth_error::invalid_request_uri, "request_uri unknown, expired, used or of another client",
                    expired_message);
    AuthorizationParams out;
    out.pushed = true;
    for (const auto& [name, value] : pushed->params.items()) {
        if (value.is_string()) out.params.emplace_back(name, value.get<std::string>());
        if (value.is_array())
            for (const auto& each : value)
                if (each.is_string()) out.params.emplace_back(name, each.get<std::string>());
    }
    return out;
}

}  // namespace caf::oidc::par
