// Client authentication at the back-channel endpoints.
#include "oidc/client_auth/client_authentication.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/text.hpp"
#include "oidc/client_auth/form_body.hpp"
#include "oidc/errors.hpp"
#include "oidc/jose/jws.hpp"
#include "storage/client_assertions.hpp"

namespace caf::oidc::client_auth {
namespace {

// Clock skew tolerated on an assertion's exp, iat and nbf.
constexpr std::int64_t assertion_leeway = 30;
// "exp required and short": an assertion is for one request, not a reusable credential.
constexpr std::int64_t assertion_max_lifetime = 300;

using Failure = ClientAuthFailure;

unexpected<Failure> fail(oauth_error e, std::string description, bool used_basic = false) {
    return unexpected<Failure>{Failure{e, std::move(description), used_basic}};
}

// The secret check does the same work whether or not the client exists.
bool secret_matches(const Client* client, std::string_view presented) {
    static const std::string no_client_digest(64, '0');
    auto presented_digest = crypto::hex_encode(crypto::sha256(presented));
    const std::string& stored =
        client != nullptr && !client->config.secret_sha256.empty() ? client->config.secret_sha256 : no_client_digest;
    bool equal = crypto::constant_time_equal(presented_digest, stored);
    return equal && client != nullptr && !client->config.secret_sha256.empty();
}

std::optional<nlohmann::json> unverified_payload(std::string_view token) {
    auto first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    auto second = token.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    auto text = crypto::base64url_decode(token.substr(first + 1, second - first - 1));
    if (!text) return std::nullopt;
    auto json = nlohmann::json::parse(*text, nullptr, false);
    if (!json.is_object()) return std::nullopt;
    return json;
}

std::optional<std::int64_t> numeric_date(const nlohmann::json& payload, const char* name) {
    auto it = payload.find(name);
    if (it == payload.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<std::int64_t>();
    if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
    return std::nullopt;
}

bool string_claim_equals(const nlohmann::json& payload, const char* name, const std::string& expected) {
    auto it = payload.find(name);
    return it != payload.end() && it->is_string() && it->get_ref<const std::string&>() == expected;
}

bool audience_accepted(const nlohmann::json& payload, const std::vector<std::string>& accepted) {
    auto it = payload.find("aud");
    if (it == payload.end()) return false;
    auto ok = [&](const nlohmann::json& v) {
        return v.is_string() && std::find(accepted.begin(), accepted.end(), v.get_ref<const std::string&>()) != accepted.end();
    };
    if (it->is_string()) return ok(*it);
    if (it->is_array()) return std::any_of(it->begin(), it->end(), ok);
    return false;
}

}  // namespace

std::optional<BasicCredentials> parse_basic(std::string_view authorization) {
    if (!text::istarts_with(authorization, "Basic ")) return std::nullopt;
    auto encoded = authorization.substr(6);
    while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
    while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
    auto decoded = crypto::base64_decode(encoded);
    if (!decoded) return std::nullopt;
    auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    auto id = http::percent_decode(std::string_view(*decoded).substr(0, colon));
    auto secret = http::percent_decode(std::string_view(*decoded).substr(colon + 1));
    if (!id || !secret || id->empty()) return std::nullopt;
    return BasicCredentials{std::move(*id), std::move(*secret)};
}

expected<AuthenticatedClient, ClientAuthFailure> ClientAuthenticator::authenticate(const http::Request& request,
                                                                                   const http::Params& form,
                                                                                   const std::string& endpoint_url) {
    auto authorization = request.header("Authorization");
    const bool basic = authorization && text::istarts_with(*authorization, "Basic ");
    auto client_id = http::find_param(form, "client_id");
    auto secret = http::find_param(form, "client_secret");
    const bool assertion = http::find_param(form, "client_assertion") || http::find_param(form, "client_assertion_type");

    if (int(basic) + int(secret.has_value()) + int(assertion) > 1)
        return fail(oauth_error::invalid_request, "more than one client authentication method", basic);

    if (basic) {
        auto credentials = parse_basic(*authorization);
        if (!credentials) return fail(oauth_error::invalid_client, "malformed Basic credentials", true);
        if (client_id && *client_id != credentials->client_id)
            return fail(oauth_error::invalid_request, "client_id differs from the authenticated client", true);
        const Client* client = ctx_.clients.find(credentials->client_id);
        bool secret_ok = secret_matches(client, credentials->secret);
        if (client == nullptr || !secret_ok || client->config.auth_method != "client_secret_basic")
            return fail(oauth_error::invalid_client, "client authentication failed", true);
        return AuthenticatedClient{client, "client_secret_basic"};
    }
    if (secret) {
        if (!client_id) return fail(oauth_error::invalid_client, "client authentication failed");
        const Client* client = ctx_.clients.find(*client_id);
        bool secret_ok = secret_matches(client, *secret);
        if (client == nullptr || !secret_ok || client->config.auth_method != "client_secret_post")
            return fail(oauth_error::invalid_client, "client authentication failed");
        return AuthenticatedClient{client, "client_secret_post"};
    }
    if (assertion) return by_assertion(form, endpoint_url);

    if (!client_id) return fail(oauth_error::invalid_client, "client authentication required");
    const Client* client = ctx_.clients.find(*client_id);
    if (client == nullptr || client->config.auth_method != "none" || !client->is_public())
        return fail(oauth_error::invalid_client, "client authentication failed");
    return AuthenticatedClient{client, "none"};
}

expected<AuthenticatedClient, ClientAuthFailure> ClientAuthenticator::by_assertion(const http::Params& form,
                                                                                   const std::string& endpoint_url) {
    auto type = http::find_param(form, "client_assertion_type");
    auto token = http::find_param(form, "client_assertion");
    if (!type || !token) return fail(oauth_error::invalid_request, "client_assertion and client_assertion_type go together");
    if (*type != jwt_bearer_assertion_type) return fail(oauth_error::invalid_client, "unsupported client_assertion_type");

    // The unverified payload only says whose keys to try; everything is checked after the signature.
    auto claimed = unverified_payload(*token);
    if (!claimed) return fail(oauth_error::invalid_client, "malformed client assertion");
    std::string client_id;
    if (auto id = http::find_param(form, "client_id")) {
        client_id = *id;
    } else if (auto it = claimed->find("iss"); it != claimed->end() && it->is_string()) {
        client_id = it->get<std::string>();
    }
    const Client* client = ctx_.clients.find(client_id);
    if (client == nullptr || client->config.auth_method != "private_key_jwt" || !client->jwks)
        return fail(oauth_error::invalid_client, "client authentication failed");

    auto verified = jose::verify(*token, *client->jwks,
                                 {jose::Algorithm::RS256, jose::Algorithm::ES256, jose::Algorithm::PS256});
    if (!verified) return fail(oauth_error::invalid_client, "client assertion signature not accepted");
    auto payload = nlohmann::json::parse(verified->payload, nullptr, false);
    if (!payload.is_object()) return fail(oauth_error::invalid_client, "malformed client assertion");

    if (!string_claim_equals(payload, "iss", client_id) || !string_claim_equals(payload, "sub", client_id))
        return fail(oauth_error::invalid_client, "client assertion iss and sub must be the client_id");
    const auto& issuer = ctx_.issuer();
    if (!audience_accepted(payload, {issuer, issuer + "/token", endpoint_url}))
        return fail(oauth_error::invalid_client, "client assertion audience is not this server");

    const auto now = to_unix_seconds(ctx_.clock.now());
    auto exp = numeric_date(payload, "exp");
    if (!exp) return fail(oauth_error::invalid_client, "client assertion exp is required");
    if (*exp + assertion_leeway <= now) return fail(oauth_error::invalid_client, "client assertion expired");
    if (*exp > now + assertion_max_lifetime) return fail(oauth_error::invalid_client, "client assertion lives too long");
    if (auto nbf = numeric_date(payload, "nbf"); nbf && *nbf > now + assertion_leeway)
        return fail(oauth_error::invalid_client, "client assertion not yet valid");
    if (auto iat = numeric_date(payload, "iat"); iat && *iat > now + assertion_leeway)
        return fail(oauth_error::invalid_client, "client assertion issued in the future");

    auto jti = payload.find("jti");
    if (jti == payload.end() || !jti->is_string() || jti->get_ref<const std::string&>().empty())
        return fail(oauth_error::invalid_client, "client assertion jti is required");
    const auto& jti_value = jti->get_ref<const std::string&>();
    if (jti_value.size() > storage::ClientAssertions::max_length || client_id.size() > storage::ClientAssertions::max_length)
        return fail(oauth_error::invalid_client, "client assertion jti is too long");
    // Remembered until the assertion could no longer pass the exp check above.
    if (!storage::ClientAssertions(ctx_.db).remember(client_id, jti_value, *exp + assertion_leeway, now))
        return fail(oauth_error::invalid_client, "client assertion already used");
    return AuthenticatedClient{client, "private_key_jwt"};
}

expected<AuthenticatedCall, http::Response> authenticate_call(const http::Request& request,
                                                            ClientAuthenticator& authenticator,
                                                            const std::string& endpoint_url) {
    auto form = parse_form_body(request);
    if (!form) return unexpected(token_error_response(oauth_error::invalid_request, form.error()));
    auto client = authenticator.authenticate(request, *form, endpoint_url);
    if (!client)
        return unexpected(token_error_response(client.error().error, client.error().description, client.error().used_basic));
    return AuthenticatedCall{std::move(*form), *client};
}

}  // namespace caf::oidc::client_auth
