// A provider without a server for the browser-facing endpoints: real SQLite store in a temporary
// file, real signing keys, the real templates, a manual clock and a fake claims source; requests
// are built by hand and handlers are called directly.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/csrf.hpp"
#include "core/html_templates.hpp"
#include "core/login_contract.hpp"
#include "core/random.hpp"
#include "oidc/claims_source.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/jose/jws.hpp"
#include "oidc/keys/signing_key_store.hpp"
#include "oidc/provider_context.hpp"
#include "oidc/subject.hpp"
#include "storage/accounts.hpp"
#include "storage/database.hpp"
#include "storage/interactions.hpp"
#include "storage/migrations.hpp"
#include "storage/sessions.hpp"
#include "test_keys.hpp"

namespace caf::oidc::test {

inline constexpr const char* issuer = "https://connect.caf.test";
inline constexpr const char* portal_callback = "https://www.caf.test/callback";
inline constexpr const char* portal_logged_out = "https://www.caf.test/au-revoir";
inline constexpr const char* mobile_callback = "fr.caf.moncompte:/oauth2redirect";
inline constexpr const char* partner_callback = "https://partenaire.test/retour?source=caf";
inline constexpr const char* challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";  // RFC 7636 appendix B

struct NoClaims final : ClaimsSource {
    std::optional<nlohmann::json> claims(std::int64_t, const std::vector<std::string>&, bool) override {
        return nlohmann::json::object();
    }
};

inline config::Config provider_config() {
    config::Config config;
    config.server.issuer = issuer;
    config::ClientConfig portal;
    portal.client_id = "caf-portal";
    portal.name = "caf.fr";
    portal.redirect_uris = {portal_callback};
    portal.post_logout_redirect_uris = {portal_logged_out};
    portal.grant_types = {"authorization_code", "refresh_token"};
    portal.scopes = {"openid", "profile", "email", "phone", "caf_dossier"};
    portal.first_party = true;

    config::ClientConfig mobile;
    mobile.client_id = "caf-mobile";
    mobile.name = "Caf - Mon Compte";
    mobile.type = "public";
    mobile.auth_method = "none";
    mobile.redirect_uris = {mobile_callback};
    mobile.grant_types = {"authorization_code", "refresh_token"};
    mobile.scopes = {"openid", "profile", "offline_access"};
    mobile.first_party = true;

    config::ClientConfig partner;
    partner.client_id = "partenaire";
    partner.name = "Service partenaire";
    partner.redirect_uris = {partner_callback};
    partner.post_logout_redirect_uris = {"https://partenaire.test/"};
    partner.grant_types = {"authorization_code", "refresh_token"};
    partner.scopes = {"openid", "profile", "email", "offline_access"};

    config::ClientConfig api;
    api.client_id = "partner-api";
    api.auth_method = "client_secret_post";
    api.grant_types = {"client_credentials"};
    api.scopes = {"caf_api.read"};

    config.clients = {portal, mobile, partner, api};
    return config;
}

// A parsed redirect: the part before '?' and the query parameters.
struct Redirect {
    std::string base;
    http::Params params;
    std::string param(std::string_view name) const { return http::find_param(params, name).value_or("<absent>"); }
    bool has(std::string_view name) const { return http::find_param(params, name).has_value(); }
};

inline Redirect parse_location(std::string_view location) {
    auto q = location.find('?');
    Redirect r{std::string(location.substr(0, q)), {}};
    if (q != std::string_view::npos) r.params = http::parse_urlencoded(location.substr(q + 1)).value_or(http::Params{});
    return r;
}

class ProviderBrowserTest : public ::testing::Test {
protected:
    TemporaryDirectory tmp_;
    ManualClock clock_;
    config::Config config_ = provider_config();
    ClientRegistry clients_ = ClientRegistry::from_config(config_);
    std::unique_ptr<keys::SigningKeyStore> keys_ = copy_of_shared_keys(tmp_.path() / "keys", clock_);
    std::unique_ptr<storage::Database> db_ = open_migrated(tmp_.path() / "store.sqlite");
    NoClaims claims_;
    HtmlTemplates pages_{CAF_SOURCE_DIR "/web/templates"};
    SystemRandom random_;
    CsrfGuard csrf_{std::string(48, 'k'), random_};
    ProviderContext ctx_{config_, clients_, *keys_, *db_, claims_, pages_, csrf_, clock_, random_,
                         std::string(32, 's')};
    std::string csrf_cookie_ = std::string(43, 'c');

    // RSA generation dominates a test's time: every test starts from a copy of one generated store.
    static std::unique_ptr<keys::SigningKeyStore> copy_of_shared_keys(const std::filesystem::path& dir,
                                                                      const Clock& clock) {
        static TemporaryDirectory shared;
        static const bool generated = [&] {
            keys::SigningKeyStore::load_or_create(shared.path() / "keys",
                                                  {jose::Algorithm::RS256, jose::Algorithm::ES256}, clock);
            return true;
        }();
        (void)generated;
        std::filesystem::copy(shared.path() / "keys", dir, std::filesystem::copy_options::recursive);
        return keys::SigningKeyStore::load_or_create(dir, {jose::Algorithm::RS256, jose::Algorithm::ES256}, clock);
    }

    static std::unique_ptr<storage::Database> open_migrated(const std::filesystem::path& file) {
        auto db = storage::open_database("sqlite:" + file.string(), 2);
        storage::migrate(*db);
        return db;
    }

    std::int64_t now() const { return to_unix_seconds(clock_.now()); }

    std::int64_t create_account(const std::string& provisional_id = "P12345678") {
        storage::Accounts accounts{*db_};
        storage::NewAccount account;
        account.provisional_id = provisional_id;
        return db_->transaction([&](storage::Connection& c) { return accounts.create(c, account, now()); });
    }

    // Opens an SSO session as the login side would; returns the cookie value.
    std::string open_session(std::int64_t account_id, std::int64_t auth_time) {
        std::string id = random_token(random_, 32);
        storage::Session s;
        s.digest = login::digest(id);
        s.account_id = account_id;
        s.auth_time = auth_time;
        s.amr = {"pwd"};
        s.acr = "eidas1";
        s.created_at = auth_time;
        s.last_seen_at = now();
        s.idle_expires_at = now() + 1800;
        s.absolute_expires_at = now() + 12 * 3600;
        storage::Sessions{*db_}.create(s);
        return id;
    }

    static http::Request get(std::string path, const http::Params& query, const std::string& cookies = "") {
        http::Request r;
        r.method = "GET";
        r.path = std::move(path);
        r.query = http::encode_params(query);
        r.target = r.path + (r.query.empty() ? "" : "?" + r.query);
        if (!cookies.empty()) r.headers.set("Cookie", cookies);
        r.secure = true;
        return r;
    }

    static http::Request post(std::string path, const http::Params& form, const std::string& cookies = "") {
        http::Request r;
        r.method = "POST";
        r.path = std::move(path);
        r.target = r.path;
        r.headers.set("Content-Type", "application/x-www-form-urlencoded");
        r.body = http::encode_params(form);
        if (!cookies.empty()) r.headers.set("Cookie", cookies);
        r.secure = true;
        return r;
    }

    static std::string session_cookie(const std::string& id) { return std::string(login::session_cookie) + "=" + id; }
    std::string csrf_cookie() const { return std::string(CsrfGuard::cookie_name) + "=" + csrf_cookie_; }
    // The CSRF token a form of `purpose` carries for this test's browser.
    std::string csrf_token(std::string_view purpose) const {
        auto r = get("/", {}, csrf_cookie());
        return csrf_.issue(r, purpose).token;
    }

    // The login side's part: complete the interaction with a login result for `session_id`.
    void complete_interaction(const std::string& interaction_id, std::int64_t account_id,
                              const std::string& session_id, std::int64_t auth_time) {
        login::LoginResult result{account_id, {"pwd"}, "eidas1", auth_time, login::digest(session_id)};
        ASSERT_TRUE(storage::Interactions{*db_}.complete(login::digest(interaction_id), login::to_json(result), now()));
    }

    // An ID token as the token endpoint signs it (expired: hints may be).
    std::string id_token_for(std::int64_t account_id, const std::string& client_id) {
        nlohmann::json payload{{"iss", issuer},
                               {"sub", subject_of(ctx_, account_id)},
                               {"aud", client_id},
                               {"iat", now() - 7200},
                               {"exp", now() - 3600}};
        auto key = keys_->signing_key(jose::Algorithm::RS256, clock_.now());
        return *jose::sign({{"typ", "JWT"}}, payload.dump(), *key, jose::Algorithm::RS256);
    }

    static http::Params portal_request(http::Params extra = {}) {
        http::Params p{{"response_type", "code"},
                       {"client_id", "caf-portal"},
                       {"redirect_uri", portal_callback},
                       {"scope", "openid profile"},
                       {"state", "etat-123"},
                       {"nonce", "n-0S6_WzA2Mj"}};
        for (auto& e : extra) {
            bool replaced = false;
            for (auto& [k, v] : p)
                if (k == e.first) v = e.second, replaced = true;
            if (!replaced) p.push_back(e);
        }
        return p;
    }
    static http::Params without(http::Params p, std::string_view name) {
        std::erase_if(p, [&](const auto& e) { return e.first == name; });
        return p;
    }
};

}  // namespace caf::oidc::test
