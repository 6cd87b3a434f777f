// The back-channel endpoints without a server: a real SQLite store in a temporary file, signing
// keys in a temporary directory, a ManualClock, a fake claims source, and the routes registered on
// a Router whose handlers the tests call with hand-built requests. Codes are inserted the way the
// authorize side stores them.
#pragma once

#include <fstream>
#include <memory>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/csrf.hpp"
#include "core/html_templates.hpp"
#include "core/login_contract.hpp"
#include "core/random.hpp"
#include "core/router.hpp"
#include "oidc/backchannel_routes.hpp"
#include "oidc/claims_source.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/jose/jws.hpp"
#include "oidc/keys/signing_key_store.hpp"
#include "oidc/provider_context.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/authorization_codes.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "test_keys.hpp"

namespace caf::oidc::test {

inline const std::string issuer = "https://connect.caf.test";
inline const std::string portal_secret = "portal:secret/with+special%chars";
inline const std::string partner_secret = "partner-secret-0123456789";
inline const std::string other_api_secret = "other-api-secret-0123456789";
inline const std::string portal_redirect = "https://portal.caf.test/callback";
inline const std::string mobile_redirect = "fr.caf.moncompte:/oauth2redirect";
inline const std::string jwt_client_redirect = "https://jwt.caf.test/callback";
inline const std::string portal_backchannel_logout = "https://portal.caf.test/backchannel-logout";

// Claims by scope, as the account module will give them; accounts in `gone` no longer exist.
struct FakeClaims final : ClaimsSource {
    std::set<std::int64_t> gone;
    std::optional<nlohmann::json> claims(std::int64_t account_id, const std::vector<std::string>& scopes,
                                         bool include_nir) override {
        if (gone.contains(account_id)) return std::nullopt;
        nlohmann::json out = nlohmann::json::object();
        for (const auto& scope : scopes) {
            if (scope == "profile") {
                out["given_name"] = "Marie";
                out["family_name"] = "Curie";
            } else if (scope == "email") {
                out["email"] = "marie@example.fr";
                out["email_verified"] = true;
            } else if (scope == "phone") {
                out["phone_number"] = "+33600000000";
            }
        }
        if (include_nir) out["caf_nir"] = "2840775123456";
        return out;
    }
};

inline config::ClientConfig client_config(std::string id, std::string type, std::string method,
                                          std::vector<std::string> grants, std::vector<std::string> scopes) {
    config::ClientConfig c;
    c.client_id = std::move(id);
    c.name = c.client_id;
    c.type = std::move(type);
    c.auth_method = std::move(method);
    c.grant_types = std::move(grants);
    c.scopes = std::move(scopes);
    return c;
}

class BackchannelTest : public ::testing::Test {
protected:
    BackchannelTest() {
        config_.server.issuer = issuer;

        auto portal = client_config("portal", "confidential", "client_secret_basic",
                                    {"authorization_code", "refresh_token"},
                                    {"openid", "profile", "email", "phone", "caf_dossier"});
        portal.secret_sha256 = crypto::hex_encode(crypto::sha256(portal_secret));
        portal.redirect_uris = {portal_redirect};
        portal.first_party = true;
        portal.backchannel_logout_uri = portal_backchannel_logout;

        auto mobile = client_config("mobile", "public", "none", {"authorization_code", "refresh_token"},
                                    {"openid", "profile", "offline_access"});
        mobile.redirect_uris = {mobile_redirect};

        auto partner = client_config("partner", "confidential", "client_secret_post", {"client_credentials"},
                                     {"caf_api.read", "caf_api.write"});
        partner.secret_sha256 = crypto::hex_encode(crypto::sha256(partner_secret));
        partner.introspection_resources = {issuer + "/userinfo"};  // a resource server of a person's tokens

        auto jwt_client = client_config("jwt-client", "confidential", "private_key_jwt", {"authorization_code"},
                                        {"openid", "profile"});
        jwt_client.redirect_uris = {jwt_client_redirect};
        jwt_client.nir_claim = true;
        jwt_client.jwks_file = tmp_.path() / "jwt-client.jwks.json";
        std::ofstream(*jwt_client.jwks_file) << nlohmann::json{{"keys", {public_jwk_of(client_key_).to_json()}}}.dump();

        // Another partner with an API of its own: not a resource server of the provider's tokens.
        auto other_api = client_config("other-api", "confidential", "client_secret_post", {"client_credentials"},
                                       {"caf_api.read"});
        other_api.secret_sha256 = crypto::hex_encode(crypto::sha256(other_api_secret));

        config_.clients = {portal, mobile, partner, jwt_client, other_api};
        clients_ = std::make_unique<ClientRegistry>(ClientRegistry::from_config(config_));

        std::filesystem::create_directories(tmp_.path() / "templates");
        pages_ = std::make_unique<HtmlTemplates>(tmp_.path() / "templates");
        db_ = storage::open_database("sqlite:" + (tmp_.path() / "store.db").string());
        storage::migrate(*db_);
        keys_ = keys::SigningKeyStore::load_or_create(tmp_.path() / "keys",
                                                      {jose::Algorithm::RS256, jose::Algorithm::ES256}, clock_);
        ctx_ = std::make_unique<ProviderContext>(ProviderContext{config_, *clients_, *keys_, *db_, claims_, *pages_,
                                                                 csrf_, clock_, system_random(), "subject-secret"});
        register_backchannel_routes(router_, *ctx_);
        account_ = storage::Accounts(*db_).create(storage::NewAccount{}, now());
    }

    std::int64_t now() const { return to_unix_seconds(clock_.now()); }

    // An authorization code as /authorize stores it; `changes` overrides payload members (null removes).
    std::string issue_code(const std::string& client_id, const std::string& redirect_uri,
                           const nlohmann::json& changes = nlohmann::json::object()) {
        nlohmann::json payload{{"redirect_uri", redirect_uri},
                               {"scope", "openid profile email"},
                               {"nonce", "n-0S6_WzA2Mj"},
                               {"auth_time", now() - 5},
                               {"acr", "eidas1"},
                               {"amr", {"pwd"}},
                               {"sid", "sid-of-the-session"}};
        for (const auto& [key, value] : changes.items()) {
            if (value.is_null()) payload.erase(key);
            else payload[key] = value;
        }
        std::string code = random_token(system_random(), 32);
        storage::AuthorizationCode stored;
        stored.digest = login::digest(code);
        stored.client_id = client_id;
        stored.account_id = account_;
        stored.session_digest = login::digest("session-cookie");
        stored.payload = payload;
        stored.created_at = now();
        stored.expires_at = now() + 60;
        storage::AuthorizationCodes(*db_).create(stored);
        return code;
    }

    static std::string basic(const std::string& id, const std::string& secret) {
        return "Basic " + crypto::base64_encode(http::url_encode(id) + ":" + http::url_encode(secret));
    }

    http::Response call(const std::string& method, const std::string& path, const http::Params& form,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        const std::string& query = {}) {
        http::Request request;
        request.method = method;
        request.path = path;
        request.query = query;
        request.target = query.empty() ? path : path + "?" + query;
        if (!form.empty() || method == "POST") {
            request.headers.set("Content-Type", "application/x-www-form-urlencoded");
            request.body = http::encode_params(form);
        }
        for (const auto& [name, value] : headers) request.headers.set(name, value);
        auto match = router_.find(method, path);
        EXPECT_NE(match.route, nullptr) << method << " " << path;
        EXPECT_EQ(match.route->execution, http::Execution::blocking);
        return match.route->handler(request);
    }

    // The portal (client_secret_basic) at /token.
    http::Response portal_token(http::Params form) {
        return call("POST", "/token", form, {{"Authorization", basic("portal", portal_secret)}});
    }
    http::Response redeem_portal_code(const std::string& code) {
        return portal_token({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", portal_redirect}});
    }
    http::Response portal_refresh(const std::string& refresh_token, std::optional<std::string> scope = std::nullopt) {
        http::Params form{{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
        if (scope) form.emplace_back("scope", *scope);
        return portal_token(form);
    }
    http::Response partner_call(const std::string& path, http::Params form) {
        form.emplace_back("client_id", "partner");
        form.emplace_back("client_secret", partner_secret);
        return call("POST", path, form);
    }
    http::Response userinfo(const std::string& access_token) {
        return call("GET", "/userinfo", {}, {{"Authorization", "Bearer " + access_token}});
    }

    static nlohmann::json body(const http::Response& response) {
        return nlohmann::json::parse(response.body, nullptr, false);
    }
    static std::string error_of(const http::Response& response) { return body(response).value("error", ""); }
    // The payload of an ID token, once its signature is verified (an empty object otherwise).
    nlohmann::json id_token_claims(const nlohmann::json& id_token) {
        if (!id_token.is_string()) return nlohmann::json::object();
        auto verified = jose::verify(id_token.get<std::string>(), keys_->jwks(clock_.now()), {jose::Algorithm::RS256});
        EXPECT_TRUE(verified.has_value());
        return verified ? nlohmann::json::parse(verified->payload) : nlohmann::json::object();
    }

    std::vector<std::string> audit_actions() {
        std::vector<std::string> out;
        for (const auto& entry : storage::AuditLog(*db_).list({})) out.push_back(entry.action);
        return out;
    }

    // A private_key_jwt assertion of jwt-client; `changes` overrides claims (null removes).
    std::string client_assertion(const nlohmann::json& changes = nlohmann::json::object()) {
        nlohmann::json claims{{"iss", "jwt-client"}, {"sub", "jwt-client"}, {"aud", issuer + "/token"},
                              {"iat", now()},        {"exp", now() + 60},   {"jti", random_token(system_random(), 12)}};
        for (const auto& [key, value] : changes.items()) {
            if (value.is_null()) claims.erase(key);
            else claims[key] = value;
        }
        return *jose::sign({{"typ", "JWT"}}, claims.dump(), client_key_, jose::Algorithm::RS256);
    }

    TemporaryDirectory tmp_;
    ManualClock clock_;
    jose::SigningKey client_key_ = signing_key_for(jose::Algorithm::RS256, "jwt-client-key");
    config::Config config_;
    std::unique_ptr<ClientRegistry> clients_;
    std::unique_ptr<HtmlTemplates> pages_;
    CsrfGuard csrf_{std::string(32, 'k'), system_random()};
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<keys::SigningKeyStore> keys_;
    FakeClaims claims_;
    std::unique_ptr<ProviderContext> ctx_;
    http::Router router_;
    std::int64_t account_ = 0;
};

}  // namespace caf::oidc::test
