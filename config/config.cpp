// TOML loading and validation. Unknown keys are errors: a typo in a security setting must not be
// silently ignored.
#include "config/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>
#include <unistd.h>

#include "core/crypto.hpp"
#include "core/text.hpp"

namespace caf::config {
namespace {

// Reads one TOML table, remembering which keys were used so the rest can be reported.
class TableReader {
public:
    TableReader(const toml::table* table, std::string prefix, const std::string& file)
        : table_(table), prefix_(std::move(prefix)), file_(file) {}

    [[noreturn]] void fail(std::string_view key, std::string reason) const {
        throw ConfigError(file_, qualified(key), std::move(reason));
    }

    std::string qualified(std::string_view key) const { return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key); }

    const toml::node* node(std::string_view key) {
        used_.insert(std::string(key));
        return table_ ? table_->get(key) : nullptr;
    }

    template <class T>
    std::optional<T> get(std::string_view key) {
        const toml::node* n = node(key);
        if (!n) return std::nullopt;
        auto v = n->value_exact<T>();
        if (!v) fail(key, std::string("expected ") + type_name<T>());
        return v;
    }

    std::optional<std::int64_t> get_int(std::string_view key, std::int64_t min, std::int64_t max) {
        auto v = get<std::int64_t>(key);
        if (v && (*v < min || *v > max))
            fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return v;
    }

    std::optional<std::vector<std::string>> get_strings(std::string_view key) {
        const toml::node* n = node(key);
        if (!n) return std::nullopt;
        const toml::array* array = n->as_array();
        if (!array) fail(key, "expected an array of strings");
        std::vector<std::string> out;
        for (const auto& item : *array) {
            auto s = item.value_exact<std::string>();
            if (!s) fail(key, "expected an array of strings");
            out.push_back(*s);
        }
        return out;
    }

    // A secret may be given in clear (`key`), by environment variable (`key_env`) or by file
    // (`key_file`, first line), so production files need not hold it.
    std::optional<std::string> get_secret(std::string_view key) {
        std::string k(key);
        auto direct = get<std::string>(k);
        auto env = get<std::string>(k + "_env");
        auto file = get<std::string>(k + "_file");
        int given = int(direct.has_value()) + int(env.has_value()) + int(file.has_value());
        if (given > 1) fail(key, "give only one of " + k + ", " + k + "_env and " + k + "_file");
        if (direct) return direct;
        if (env) {
            const char* value = std::getenv(env->c_str());
            if (!value || !*value) fail(k + "_env", "environment variable " + *env + " is not set");
            return std::string(value);
        }
        if (file) {
            std::ifstream in(*file);
            std::string line;
            if (!in || !std::getline(in, line)) fail(k + "_file", "cannot read " + *file);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            return line;
        }
        return std::nullopt;
    }

    TableReader sub(std::string_view key) {
        const toml::node* n = node(key);
        if (n && !n->is_table()) fail(key, "expected a table");
        return TableReader(n ? n->as_table() : nullptr, qualified(key), file_);
    }

    void reject_unknown() const {
        if (!table_) return;
        for (const auto& [key, value] : *table_) {
            if (!used_.contains(std::string(key.str()))) fail(key.str(), "unknown key");
        }
    }

private:
    template <class T>
    static const char* type_name() {
        if constexpr (std::is_same_v<T, std::string>) return "a string";
        else if constexpr (std::is_same_v<T, bool>) return "true or false";
        else return "an integer";
    }

    const toml::table* table_;
    std::string prefix_;
    const std::string& file_;
    std::set<std::string> used_;
};

void read_notifications(TableReader& t, NotificationsConfig& n) {
    if (auto v = t.get<std::string>("smtp_url")) {
        if (!v->starts_with("smtp://") && !v->starts_with("smtps://"))
            t.fail("smtp_url", "must start with smtp:// (STARTTLS) or smtps://");
        n.smtp_url = *v;
    }
    if (auto v = t.get<std::string>("smtp_user")) n.smtp_user = *v;
    if (auto v = t.get_secret("smtp_password")) n.smtp_password = *v;
    if (n.smtp_user.has_value() != n.smtp_password.has_value())
        t.fail(n.smtp_user ? "smtp_password" : "smtp_user", "smtp_user and smtp_password go together");
    if (auto v = t.get<std::string>("smtp_from")) {
        if (v->find_first_of("\r\n") != std::string::npos || v->find('@') == std::string::npos)
            t.fail("smtp_from", "must be one e-mail address, optionally \"Name <address>\"");
        n.smtp_from = *v;
    }
    if (n.smtp_url && n.smtp_from.empty()) t.fail("smtp_from", "is required with smtp_url");
    if (auto v = t.get<std::string>("sms_gateway_url")) {
        if (!v->starts_with("https://") && !v->starts_with("http://"))
            t.fail("sms_gateway_url", "must be an http(s) URL");
        n.sms_gateway_url = *v;
    }
    if (auto v = t.get_secret("sms_gateway_token")) n.sms_gateway_token = *v;
    if (n.sms_gateway_url && !n.sms_gateway_token) t.fail("sms_gateway_token", "is required with sms_gateway_url");
    if (auto v = t.get_int("letter_code_validity_days", 1, 90)) n.letter_code_validity_days = unsigned(*v);
    if (auto v = t.get_int("max_attempts", 1, 100)) n.max_attempts = unsigned(*v);
    if (auto v = t.get_int("backoff_seconds", 1, 86400)) n.backoff_seconds = unsigned(*v);
}

void read_lockout(TableReader& t, LockoutSettings& l) {
    if (auto v = t.get_int("captcha_after_failures", 0, 100)) l.captcha_after_failures = unsigned(*v);
    if (auto v = t.get_int("freeze_after_failures", 1, 100)) l.freeze_after_failures = unsigned(*v);
    if (l.captcha_after_failures >= l.freeze_after_failures)
        t.fail("captcha_after_failures", "must be lower than freeze_after_failures");
    if (const toml::node* n = t.node("freeze_minutes")) {
        const toml::array* array = n->as_array();
        if (!array || array->empty()) t.fail("freeze_minutes", "expected a non-empty array of minutes");
        l.freeze_minutes.clear();
        for (const auto& item : *array) {
            auto v = item.value_exact<std::int64_t>();
            if (!v || *v < 1 || *v > 30 * 1440) t.fail("freeze_minutes", "each must be between 1 and 43200 minutes");
            l.freeze_minutes.push_back(unsigned(*v));
        }
    }
    if (auto v = t.get_int("ip_max_attempts", 1, 1'000'000)) l.ip_max_attempts = unsigned(*v);
    if (auto v = t.get_int("ip_window_minutes", 1, 1440)) l.ip_window_minutes = unsigned(*v);
    t.reject_unknown();
}

void read_verification_codes(TableReader& t, VerificationCodeSettings& v) {
    if (auto x = t.get_int("sms_validity_seconds", 1, 3600)) v.sms_validity_seconds = unsigned(*x);
    if (auto x = t.get_int("email_validity_seconds", 1, 86400)) v.email_validity_seconds = unsigned(*x);
    if (auto x = t.get_int("letter_validity_days", 1, 90)) v.letter_validity_days = unsigned(*x);
    if (auto x = t.get_int("max_tries", 1, 20)) v.max_tries = unsigned(*x);
    if (auto x = t.get_int("resend_interval_seconds", 0, 3600)) v.resend_interval_seconds = unsigned(*x);
    if (auto x = t.get_int("max_sends_per_hour", 1, 100)) v.max_sends_per_hour = unsigned(*x);
    t.reject_unknown();
}

void read_password_renewal(TableReader& t, PasswordRenewalSettings& r) {
    auto day = [&](const char* key, std::string& target) {
        if (auto v = t.get<std::string>(key)) {
            if (!v->empty() && !parse_day(*v)) t.fail(key, "expected a date \"YYYY-MM-DD\"");
            target = *v;
        }
    };
    day("enforced_from", r.enforced_from);
    day("changed_before", r.changed_before);
    day("incitation_from", r.incitation_from);
    day("incitation_until", r.incitation_until);
    if (!r.enforced_from.empty() && r.changed_before.empty())
        t.fail("changed_before", "is required with enforced_from");
    if (r.incitation_from.empty() != r.incitation_until.empty())
        t.fail(r.incitation_from.empty() ? "incitation_from" : "incitation_until",
               "incitation_from and incitation_until go together");
    if (!r.incitation_from.empty() && *parse_day(r.incitation_from) > *parse_day(r.incitation_until))
        t.fail("incitation_until", "must not be before incitation_from");
    t.reject_unknown();
}

void read_server(TableReader& t, ServerConfig& s) {
    if (auto listen = t.get<std::string>("listen")) {
        auto parsed = parse_listen(*listen);
        if (!parsed) t.fail("listen", "expected \"HOST:PORT\"");
        s.listen = *parsed;
    }
    auto issuer = t.get<std::string>("issuer");
    if (!issuer) t.fail("issuer", "is required (the exact https URL clients see)");
    if (!(issuer->starts_with("https://") || issuer->starts_with("http://")) || issuer->ends_with("/") ||
        issuer->find_first_of("?#") != std::string::npos)
        t.fail("issuer", "must be an http(s) URL without query, fragment or trailing slash");
    s.issuer = *issuer;
    if (auto v = t.get<std::string>("tls_cert")) s.tls_cert = *v;
    if (auto v = t.get<std::string>("tls_key")) s.tls_key = *v;
    if (s.tls_cert.has_value() != s.tls_key.has_value())
        t.fail(s.tls_cert ? "tls_key" : "tls_cert", "tls_cert and tls_key go together");
    if (auto v = t.get_int("threads", 0, 256)) s.threads = unsigned(*v);
    if (auto v = t.get_strings("trusted_proxies")) s.trusted_proxies = *v;
    if (auto v = t.get<bool>("hsts")) s.hsts = *v;
    if (auto v = t.get<std::string>("static_root")) s.static_root = *v;
    if (auto v = t.get<std::string>("templates_root")) s.templates_root = *v;
    if (auto v = t.get_int("drain_timeout_seconds", 1, 3600)) s.drain_timeout = std::chrono::seconds(*v);

    auto limits = t.sub("limits");
    if (auto v = limits.get_int("header_bytes", 1024, 1 << 20)) s.limits.header_bytes = std::size_t(*v);
    if (auto v = limits.get_int("body_bytes", 1024, std::int64_t(1) << 30)) s.limits.body_bytes = std::size_t(*v);
    if (auto v = limits.get_int("read_timeout_ms", 10, 600'000)) s.limits.read_timeout = std::chrono::milliseconds(*v);
    if (auto v = limits.get_int("idle_timeout_ms", 10, 3'600'000)) s.limits.idle_timeout = std::chrono::milliseconds(*v);
    if (auto v = limits.get_int("max_requests_per_connection", 1, 1'000'000)) s.limits.max_requests_per_connection = unsigned(*v);
    if (auto v = limits.get_int("max_connections", 1, 1'000'000)) s.limits.max_connections = unsigned(*v);
    limits.reject_unknown();
}

bool is_http_url(const std::string& url) { return url.starts_with("https://") || url.starts_with("http://"); }

void read_oidc(TableReader& t, OidcConfig& o) {
    auto seconds = [&](const char* key, unsigned& target, std::int64_t min, std::int64_t max) {
        if (auto v = t.get_int(key, min, max)) target = unsigned(*v);
    };
    seconds("code_lifetime", o.code_lifetime, 5, 60);
    seconds("interaction_lifetime", o.interaction_lifetime, 60, 86400);
    seconds("access_token_lifetime", o.access_token_lifetime, 30, 86400);
    seconds("id_token_lifetime", o.id_token_lifetime, 30, 86400);
    seconds("refresh_token_lifetime", o.refresh_token_lifetime, 60, 400 * 86400);
    seconds("refresh_token_idle", o.refresh_token_idle, 60, 400 * 86400);
    seconds("refresh_reuse_grace", o.refresh_reuse_grace, 0, 120);
    seconds("session_idle", o.session_idle, 60, 7 * 86400);
    seconds("session_absolute", o.session_absolute, 60, 30 * 86400);
    if (o.session_idle > o.session_absolute) t.fail("session_idle", "must not exceed session_absolute");
    for (auto [key, target] : {std::pair{"op_policy_uri", &o.op_policy_uri},
                               std::pair{"service_documentation", &o.service_documentation}})
        if (auto v = t.get<std::string>(key)) {
            if (!is_http_url(*v)) t.fail(key, "must be an http(s) URL");
            *target = *v;
        }
    seconds("request_uri_lifetime", o.request_uri_lifetime, 1, 60);
    if (auto v = t.get<bool>("require_pushed_authorization_requests")) o.require_pushed_authorization_requests = *v;
    t.reject_unknown();
}

bool is_one_of(const std::string& value, std::initializer_list<const char*> allowed) {
    for (const char* a : allowed)
        if (value == a) return true;
    return false;
}

ClientConfig read_client(TableReader& t) {
    ClientConfig c;
    auto id = t.get<std::string>("client_id");
    if (!id || id->empty()) t.fail("client_id", "is required");
    c.client_id = *id;
    c.name = t.get<std::string>("name").value_or(c.client_id);
    if (auto v = t.get<std::string>("type")) {
        if (!is_one_of(*v, {"confidential", "public"})) t.fail("type", "must be confidential or public");
        c.type = *v;
    }
    c.auth_method = c.type == "public" ? "none" : "client_secret_basic";
    if (auto v = t.get<std::string>("auth_method")) {
        if (!is_one_of(*v, {"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}))
            t.fail("auth_method", "must be client_secret_basic, client_secret_post, private_key_jwt or none");
        c.auth_method = *v;
    }
    if ((c.type == "public") != (c.auth_method == "none"))
        t.fail("auth_method", "a public client authenticates with none, a confidential one never does");
    auto secret = t.get_secret("secret");
    auto secret_sha256 = t.get<std::string>("secret_sha256");
    if (secret && secret_sha256) t.fail("secret", "give the secret or its secret_sha256, not both");
    if (secret) {
        if (secret->size() < 16) t.fail("secret", "must be at least 16 characters");
        c.secret_sha256 = crypto::hex_encode(crypto::sha256(*secret));
    }
    if (secret_sha256) {
        auto raw = crypto::hex_decode(*secret_sha256);
        if (!raw || raw->size() != 32) t.fail("secret_sha256", "must be 64 hexadecimal characters");
        c.secret_sha256 = crypto::hex_encode(*raw);
    }
    bool needs_secret = c.auth_method == "client_secret_basic" || c.auth_method == "client_secret_post";
    if (needs_secret && c.secret_sha256.empty()) t.fail("secret", "is required for " + c.auth_method);
    if (!needs_secret && !c.secret_sha256.empty()) t.fail("secret", "is not used with " + c.auth_method);
    if (auto v = t.get<std::string>("jwks_file")) c.jwks_file = *v;
    if ((c.auth_method == "private_key_jwt") != c.jwks_file.has_value())
        t.fail("jwks_file", "is required with private_key_jwt, and only with it");
    if (auto v = t.get_strings("redirect_uris")) c.redirect_uris = *v;
    for (const auto& uri : c.redirect_uris)
        if (uri.empty() || uri.find('#') != std::string::npos || uri.find(':') == std::string::npos)
            t.fail("redirect_uris", "each must be an absolute URI without fragment");
    if (auto v = t.get_strings("post_logout_redirect_uris")) c.post_logout_redirect_uris = *v;
    if (auto v = t.get_strings("grant_types")) {
        for (const auto& g : *v)
            if (!is_one_of(g, {"authorization_code", "refresh_token", "client_credentials"}))
                t.fail("grant_types", "unknown grant type " + g);
        c.grant_types = *v;
    }
    bool code_flow = std::find(c.grant_types.begin(), c.grant_types.end(), "authorization_code") != c.grant_types.end();
    if (code_flow && c.redirect_uris.empty()) t.fail("redirect_uris", "is required for the authorization_code grant");
    if (auto v = t.get_strings("scopes")) c.scopes = *v;
    if (auto v = t.get<std::string>("id_token_alg")) {
        if (!is_one_of(*v, {"RS256", "ES256"})) t.fail("id_token_alg", "must be RS256 or ES256");
        c.id_token_alg = *v;
    }
    if (auto v = t.get<bool>("first_party")) c.first_party = *v;
    if (auto v = t.get<bool>("nir_claim")) c.nir_claim = *v;
    if (std::find(c.scopes.begin(), c.scopes.end(), "caf_nir") != c.scopes.end() && !c.nir_claim)
        t.fail("scopes", "caf_nir needs nir_claim = true");
    if (auto v = t.get_strings("introspection_resources")) {
        for (const auto& audience : *v)
            if (audience.empty()) t.fail("introspection_resources", "each must be a non-empty audience");
        if (!v->empty() && c.type == "public")
            t.fail("introspection_resources", "a public client cannot be a resource server");
        c.introspection_resources = *v;
    }
    if (auto v = t.get_int("access_token_lifetime", 30, 86400)) c.access_token_lifetime = unsigned(*v);
    if (auto v = t.get_int("refresh_token_lifetime", 60, 400 * 86400)) c.refresh_token_lifetime = unsigned(*v);
    if (auto v = t.get<bool>("require_pushed_authorization_requests")) {
        if (*v && !code_flow)
            t.fail("require_pushed_authorization_requests", "needs the authorization_code grant");
        c.require_pushed_authorization_requests = *v;
    }
    if (auto v = t.get<bool>("dpop_bound_access_tokens")) c.dpop_bound_access_tokens = *v;
    if (auto v = t.get<bool>("use_dpop_nonce")) c.use_dpop_nonce = *v;
    if (auto v = t.get<std::string>("backchannel_logout_uri")) {
        // §2.2: an absolute http(s) URI, no fragment (a query is allowed).
        if (!(v->starts_with("https://") || v->starts_with("http://")) || v->find('#') != std::string::npos)
            t.fail("backchannel_logout_uri", "must be an absolute http(s) URI without fragment");
        if (c.type == "public") t.fail("backchannel_logout_uri", "a public client has no back channel");
        c.backchannel_logout_uri = *v;
    }
    if (auto v = t.get<bool>("backchannel_logout_session_required")) {
        if (*v && c.backchannel_logout_uri.empty())
            t.fail("backchannel_logout_session_required", "needs backchannel_logout_uri");
        c.backchannel_logout_session_required = *v;
    }
    t.reject_unknown();
    return c;
}


ResourceConfig read_resource(TableReader& t) {
    ResourceConfig r;
    auto uri = t.get<std::string>("uri");
    // RFC 8707 §2: an absolute URI, no fragment (a query is allowed but discouraged).
    if (!uri || uri->empty() || uri->find('#') != std::string::npos || uri->find(':') == std::string::npos ||
        uri->find_first_of(" \t\r\n") != std::string::npos)
        t.fail("uri", "is required: an absolute URI without fragment");
    r.uri = *uri;
    r.name = t.get<std::string>("name").value_or(r.uri);
    if (auto v = t.get_strings("scopes")) r.scopes = *v;
    if (r.scopes.empty()) t.fail("scopes", "is required: the API scopes this resource accepts");
    t.reject_unknown();
    return r;
}

ProviderConfig read_provider(TableReader& t) {
    ProviderConfig p;
    auto name = t.get<std::string>("name");
    if (!name || name->empty() || name->size() > 40 ||
        name->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
        t.fail("name", "is required: lower-case letters, digits, '-' and '_' (it is part of URLs)");
    p.name = *name;
    p.label = t.get<std::string>("label").value_or(p.name);
    auto issuer = t.get<std::string>("issuer");
    if (!issuer || !is_http_url(*issuer)) t.fail("issuer", "is required: the provider's exact http(s) issuer URL");
    p.issuer = *issuer;
    if (auto v = t.get<bool>("discovery")) p.discovery = *v;
    const std::pair<const char*, std::string*> endpoints[] = {
        {"authorization_endpoint", &p.authorization_endpoint}, {"token_endpoint", &p.token_endpoint},
        {"userinfo_endpoint", &p.userinfo_endpoint},           {"jwks_uri", &p.jwks_uri},
        {"end_session_endpoint", &p.end_session_endpoint}};
    for (const auto& [key, field] : endpoints) {
        if (auto v = t.get<std::string>(key)) {
            if (!is_http_url(*v)) t.fail(key, "must be an http(s) URL");
            *field = *v;
        }
    }
    if (!p.discovery) {
        for (const auto& [key, field] : endpoints)
            if (field->empty() && std::string_view(key) != "end_session_endpoint")
                t.fail(key, "is required when discovery = false");
    }
    auto client_id = t.get<std::string>("client_id");
    if (!client_id || client_id->empty()) t.fail("client_id", "is required (our client id at the provider)");
    p.client_id = *client_id;
    if (auto v = t.get_secret("client_secret")) p.client_secret = *v;
    if (auto v = t.get<std::string>("private_key_file")) p.private_key_file = *v;
    if (auto v = t.get<std::string>("private_key_kid")) p.private_key_kid = *v;
    if (auto v = t.get<std::string>("token_endpoint_auth_method")) {
        if (!is_one_of(*v, {"client_secret_post", "client_secret_basic", "private_key_jwt"}))
            t.fail("token_endpoint_auth_method", "must be client_secret_post, client_secret_basic or private_key_jwt");
        p.token_endpoint_auth_method = *v;
    }
    if (p.token_endpoint_auth_method == "private_key_jwt") {
        if (!p.private_key_file) t.fail("private_key_file", "is required with private_key_jwt");
        if (!std::filesystem::exists(*p.private_key_file))
            t.fail("private_key_file", "cannot read " + p.private_key_file->string());
    } else if (p.client_secret.empty()) {
        t.fail("client_secret", "is required with " + p.token_endpoint_auth_method);
    }
    if (auto v = t.get<std::string>("profile")) {
        if (!is_one_of(*v, {"franceconnect_v2", "franceconnect_v1"}))
            t.fail("profile", "must be franceconnect_v2 or franceconnect_v1");
        p.profile = *v;
    }
    const bool v1 = p.profile == "franceconnect_v1";
    if (v1) p.id_token_algorithms = {"HS256"};
    p.userinfo_signed = !v1;
    if (auto v = t.get<bool>("userinfo_signed")) p.userinfo_signed = *v;
    if (auto v = t.get_strings("id_token_algorithms")) {
        if (v->empty()) t.fail("id_token_algorithms", "must not be empty");
        for (const auto& alg : *v)
            if (!is_one_of(alg, {"ES256", "RS256", "PS256", "EdDSA", "HS256"}))
                t.fail("id_token_algorithms", "unknown or refused algorithm " + alg + " (never none)");
        p.id_token_algorithms = *v;
    }
    const bool hs256 = std::find(p.id_token_algorithms.begin(), p.id_token_algorithms.end(), "HS256") !=
                       p.id_token_algorithms.end();
    if (hs256 && (!v1 || p.id_token_algorithms.size() != 1 || p.client_secret.empty()))
        t.fail("id_token_algorithms", "HS256 only alone, with profile = \"franceconnect_v1\" and a client_secret");
    if (auto v = t.get<std::string>("scopes")) p.scopes = *v;
    if ((" " + p.scopes + " ").find(" openid ") == std::string::npos) t.fail("scopes", "must include openid");
    if (auto v = t.get<std::string>("acr_values")) {
        if (!is_one_of(*v, {"eidas1", "eidas2", "eidas3"})) t.fail("acr_values", "must be eidas1, eidas2 or eidas3");
        p.acr_values = *v;
    }
    if (auto v = t.get<std::string>("verified_nir_claim")) p.verified_nir_claim = *v;
    auto claims = t.sub("claims");
    for (const char* field : pivot_claim_fields) {
        if (auto v = claims.get<std::string>(field)) {
            if (v->empty()) claims.fail(field, "must name the provider's claim");
            p.claim_names[field] = *v;
        }
    }
    claims.reject_unknown();
    auto redirect = t.get<std::string>("redirect_uri");
    if (!redirect || !is_http_url(*redirect) || redirect->find('#') != std::string::npos)
        t.fail("redirect_uri", "is required: our http(s) callback, .../providers/" + p.name + "/callback");
    p.redirect_uri = *redirect;
    if (auto v = t.get<std::string>("post_logout_redirect_uri")) {
        if (!is_http_url(*v)) t.fail("post_logout_redirect_uri", "must be an http(s) URL");
        p.post_logout_redirect_uri = *v;
    }
    if (auto v = t.get_int("timeout_ms", 100, 60000)) p.timeout_ms = unsigned(*v);
    if (auto v = t.get_int("max_concurrent_calls", 1, 256)) p.max_concurrent_calls = unsigned(*v);
    if (auto v = t.get_int("failure_cooldown_seconds", 0, 3600)) p.failure_cooldown_seconds = unsigned(*v);
    if (auto v = t.get<std::string>("prompt")) p.prompt = *v;
    t.reject_unknown();
    return p;
}

// The [[name]] tables, each read by `read`; the member `key` (got by `key_of`) must be unique.
template <typename T, typename Read, typename KeyOf>
std::vector<T> read_tables(TableReader& top, const char* name, const std::string& file, Read read, const char* key,
                           KeyOf key_of) {
    std::vector<T> out;
    const toml::node* node = top.node(name);
    if (!node) return out;
    const toml::array* array = node->as_array();
    if (!array || !array->is_array_of_tables())
        top.fail(name, std::string("expected [[") + name + "]] tables");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < array->size(); ++i) {
        TableReader table(array->get(i)->as_table(), std::string(name) + "[" + std::to_string(i) + "]", file);
        out.push_back(read(table));
        if (!seen.insert(key_of(out.back())).second) table.fail(key, "is used twice");
    }
    return out;
}

Config read(const toml::table& root, const std::string& file) {
    Config config;
    config.source = file;
    TableReader top(&root, "", file);

    auto server = top.sub("server");
    read_server(server, config.server);
    server.reject_unknown();

    auto management = top.sub("management");
    if (auto listen = management.get<std::string>("listen")) {
        auto parsed = parse_listen(*listen);
        if (!parsed) management.fail("listen", "expected \"HOST:PORT\"");
        if (parsed->host == config.server.listen.host && parsed->port == config.server.listen.port && parsed->port != 0)
            management.fail("listen", "must differ from [server] listen");
        config.server.management_listen = *parsed;
    }
    management.reject_unknown();

    auto workers = top.sub("workers");
    if (auto v = workers.get_int("threads", 1, 1024)) config.workers.threads = unsigned(*v);
    if (auto v = workers.get_int("queue", 1, 1'000'000)) config.workers.queue = unsigned(*v);
    workers.reject_unknown();

    auto store = top.sub("store");
    auto url = store.get_secret("url");
    if (!url) store.fail("url", "is required: \"sqlite:PATH\" or \"mysql://USER:PASSWORD@HOST:PORT/DATABASE\"");
    if (!url->starts_with("sqlite:") && !url->starts_with("mysql://"))
        store.fail("url", "must start with sqlite: or mysql://");
    config.store.url = *url;
    if (auto v = store.get_int("pool_size", 1, 1024)) config.store.pool_size = unsigned(*v);
    store.reject_unknown();

    auto security = top.sub("security");
    if (auto v = security.get<std::string>("keys_dir")) config.security.keys_dir = *v;
    if (auto v = security.get<std::string>("data_keys_file")) config.security.data_keys_file = *v;
    if (auto v = security.get<bool>("generate_missing")) config.security.generate_missing = *v;
    security.reject_unknown();

    auto passwords = top.sub("passwords");
    // The floor is OWASP's Argon2id minimum; lower values would make stolen hashes cheap to crack.
    if (auto v = passwords.get_int("argon2_memory_kib", 19456, 4 * 1024 * 1024)) config.passwords.argon2_memory_kib = unsigned(*v);
    if (auto v = passwords.get_int("argon2_iterations", 2, 64)) config.passwords.argon2_iterations = unsigned(*v);
    if (auto v = passwords.get_int("argon2_parallelism", 1, 16)) config.passwords.argon2_parallelism = unsigned(*v);
    passwords.reject_unknown();

    auto oidc = top.sub("oidc");
    read_oidc(oidc, config.oidc);

    config.clients = read_tables<ClientConfig>(top, "clients", file, read_client, "client_id",
                                               [](const ClientConfig& c) { return c.client_id; });
    config.resources = read_tables<ResourceConfig>(top, "resources", file, read_resource, "uri",
                                                   [](const ResourceConfig& r) { return r.uri; });
    config.providers = read_tables<ProviderConfig>(top, "providers", file, read_provider, "name",
                                                   [](const ProviderConfig& p) { return p.name; });

    auto development = top.sub("development");
    if (auto v = development.get<std::string>("demo_accounts")) config.development.demo_accounts = *v;
    development.reject_unknown();

    auto notifications = top.sub("notifications");
    if (auto v = notifications.get<std::string>("outbox")) config.notifications.outbox = *v;
    read_notifications(notifications, config.notifications);
    notifications.reject_unknown();

    auto backchannel = top.sub("backchannel_logout");
    if (auto v = backchannel.get_int("poll_interval_ms", 50, 60000)) config.backchannel_logout.poll_interval_ms = unsigned(*v);
    if (auto v = backchannel.get_int("timeout_ms", 100, 30000)) config.backchannel_logout.timeout_ms = unsigned(*v);
    if (auto v = backchannel.get_int("max_attempts", 1, 50)) config.backchannel_logout.max_attempts = unsigned(*v);
    if (auto v = backchannel.get_int("backoff_seconds", 1, 3600)) config.backchannel_logout.backoff_seconds = unsigned(*v);
    backchannel.reject_unknown();

    auto outgoing = top.sub("outgoing");
    if (auto v = outgoing.get_secret("proxy")) {
        if (!v->starts_with("http://")) outgoing.fail("proxy", "must be http://[USER:PASSWORD@]HOST[:PORT]");
        config.outgoing.proxy = *v;
    }
    if (auto v = outgoing.get_strings("no_proxy")) config.outgoing.no_proxy = *v;
    if (auto v = outgoing.get<std::string>("ca_file")) config.outgoing.ca_file = *v;
    if (auto v = outgoing.get<std::string>("user_agent")) {
        if (v->empty() || v->find_first_of("\r\n") != std::string::npos) outgoing.fail("user_agent", "must be one line");
        config.outgoing.user_agent = *v;
    }
    if (auto v = outgoing.get_int("max_response_kib", 16, 64 * 1024)) config.outgoing.max_response_kib = unsigned(*v);
    outgoing.reject_unknown();

    auto audit = top.sub("audit");
    if (auto v = audit.get_int("retention_days", 0, 36500)) config.audit.retention_days = unsigned(*v);
    audit.reject_unknown();

    auto log = top.sub("log");
    if (auto v = log.get<std::string>("level")) {
        static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
        if (!levels.contains(*v)) log.fail("level", "must be one of trace, debug, info, warn, error, off");
        config.log.level = *v;
    }
    if (auto v = log.get<std::string>("access_log")) config.log.access_log = *v;
    log.reject_unknown();

    auto lockout = top.sub("lockout");
    read_lockout(lockout, config.lockout);
    auto creation = top.sub("creation");
    if (auto v = creation.get_int("minimum_age", 0, 120)) config.creation.minimum_age = unsigned(*v);
    if (auto v = creation.get_int("draft_lifetime_minutes", 5, 24 * 60)) config.creation.draft_lifetime_minutes = unsigned(*v);
    creation.reject_unknown();

    auto captcha = top.sub("captcha");
    if (auto v = captcha.get_int("validity_seconds", 30, 3600)) config.captcha.validity_seconds = unsigned(*v);
    if (auto v = captcha.get<std::string>("provider")) {
        if (*v != "builtin" && *v != "external") captcha.fail("provider", "must be builtin or external");
        config.captcha.provider = *v;
    }
    if (auto v = captcha.get<std::string>("service_url")) config.captcha.service_url = *v;
    if (auto v = captcha.get_secret("service_token")) config.captcha.service_token = *v;
    if (auto v = captcha.get_int("timeout_ms", 100, 30000)) config.captcha.timeout_ms = unsigned(*v);
    if (config.captcha.provider == "external") {
        if (!config.captcha.service_url.starts_with("https://") && !config.captcha.service_url.starts_with("http://"))
            captcha.fail("service_url", "is required with provider = \"external\" (http(s)://HOST[:PORT][/PATH])");
        if (config.captcha.service_token.empty()) captcha.fail("service_token", "is required with provider = \"external\"");
    }
    captcha.reject_unknown();
    auto codes = top.sub("verification_codes");
    read_verification_codes(codes, config.verification_codes);
    auto cgu = top.sub("cgu");
    if (auto v = cgu.get<std::string>("version")) {
        if (v->empty() || v->find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.") !=
                              std::string::npos || v->find("..") != std::string::npos)
            cgu.fail("version", "letters, digits, '-', '_' and '.' only (it names a file)");
        config.cgu.version = *v;
    }
    if (auto v = cgu.get<std::string>("text_dir")) config.cgu.text_dir = *v;
    cgu.reject_unknown();
    auto renewal = top.sub("password_renewal");
    read_password_renewal(renewal, config.password_renewal);

    top.reject_unknown();
    return config;
}

}  // namespace

ConfigError::ConfigError(std::string file_, std::string key_, std::string reason_)
    : std::runtime_error(file_ + ": " + (key_.empty() ? "" : key_ + ": ") + reason_),
      file(std::move(file_)), key(std::move(key_)), reason(std::move(reason_)) {}

std::optional<ListenAddress> parse_listen(std::string_view text) {
    ListenAddress out;
    std::string_view host, port;
    if (text.starts_with("[")) {
        auto close = text.find("]:");
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.empty() || port.empty() || port.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + unsigned(c - '0');
    }
    if (value > 65535) return std::nullopt;
    out.host = std::string(host);
    out.port = static_cast<std::uint16_t>(value);
    return out;
}

std::optional<std::int64_t> parse_day(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0, m = 0, d = 0;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    y = std::stoi(std::string(text.substr(0, 4)));
    m = std::stoi(std::string(text.substr(5, 2)));
    d = std::stoi(std::string(text.substr(8, 2)));
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)}, std::chrono::day{unsigned(d)}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd}.time_since_epoch().count() * 86400;
}

namespace {

constexpr std::string_view environment_prefix = "CAFCONNECT__";

// A key the environment set, and the variable that set it.
struct Override {
    std::string variable;
    std::string key;  // dotted, as ConfigError names keys
};

// Sets `table[key]` to the TOML value `text` parses to as `v = <text>`, unless that is no value,
// a date or a time (a key never expects one: "2024-02-15" is a day given as text); else to the text.
void assign_override(toml::table& table, const std::string& key, const std::string& text) {
    try {
        toml::table parsed = toml::parse("v = " + text);
        if (auto* v = parsed.get("v"); v && !v->is_date() && !v->is_time() && !v->is_date_time()) {
            v->visit([&](auto& node) { table.insert_or_assign(key, node); });
            return;
        }
    } catch (const toml::parse_error&) {
    }
    table.insert_or_assign(key, text);
}

std::vector<Override> apply_environment(toml::table& root, const Environment& environment, const std::string& name) {
    std::vector<Override> applied;
    for (const auto& [variable, text] : environment) {
        if (!variable.starts_with(environment_prefix)) continue;
        std::vector<std::string> path;
        std::string_view rest = std::string_view(variable).substr(environment_prefix.size());
        for (;;) {
            const auto end = rest.find("__");
            std::string part = text::lower_ascii(std::string(rest.substr(0, end)));
            const bool plain = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            });
            if (!plain) throw ConfigError(name, variable, "must be CAFCONNECT__SECTION__KEY, in letters, digits and _");
            path.push_back(std::move(part));
            if (end == std::string_view::npos) break;
            rest.remove_prefix(end + 2);
        }
        if (path.size() < 2) throw ConfigError(name, variable, "must name a section and a key: CAFCONNECT__SECTION__KEY");
        if (path[0] == "clients" || path[0] == "resources" || path[0] == "providers")
            throw ConfigError(name, variable, "[[" + path[0] + "]] is an array of tables: it cannot be overridden");
        toml::table* table = &root;
        std::string key;
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            key += (i ? "." : "") + path[i];
            if (!table->contains(path[i])) table->insert(path[i], toml::table{});
            auto* node = table->get(path[i]);
            if (!node->is_table())
                throw ConfigError(name, variable, key + " is not a table: only scalar keys of tables can be overridden");
            table = node->as_table();
        }
        key += "." + path.back();
        if (auto* existing = table->get(path.back()); existing && (existing->is_table() || existing->is_array_of_tables()))
            throw ConfigError(name, variable, key + " is a table: only scalar keys can be overridden");
        assign_override(*table, path.back(), text);
        applied.push_back({variable, std::move(key)});
    }
    return applied;
}

}  // namespace

Environment process_environment() {
    Environment out;
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string_view text(*entry);
        if (!text.starts_with(environment_prefix)) continue;
        const auto eq = text.find('=');
        if (eq == std::string_view::npos) continue;
        out.emplace_back(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
    return out;
}

Config load_text(std::string_view text, const std::string& name, const Environment& environment) {
    std::vector<Override> overrides;
    try {
        toml::table root = toml::parse(text, name);
        overrides = apply_environment(root, environment, name);
        return read(root, name);
    } catch (const ConfigError& e) {
        // A bad value from the environment: say which variable gave it.
        for (const auto& o : overrides)
            if (e.key == o.key || e.key.starts_with(o.key + "_"))
                throw ConfigError(e.file, e.key, e.reason + " (set by " + o.variable + ")");
        throw;
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw ConfigError(name, "", "line " + std::to_string(where.line) + ", column " + std::to_string(where.column) +
                                        ": " + std::string(e.description()));
    }
}

Config load_file(const std::filesystem::path& file, const Environment& environment) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(file.string(), "", "cannot open the file");
    std::ostringstream text;
    text << in.rdbuf();
    return load_text(text.str(), file.string(), environment);
}

}  // namespace caf::config
