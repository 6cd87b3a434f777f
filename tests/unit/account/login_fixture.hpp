// The login tests' world: a real SQLite store in a temp file, the real templates, fast Argon2,
// a manual clock, and the account routes called directly with built requests (no server).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "account/identifiers/nir.hpp"
#include "account/import/account_import.hpp"
#include "account/web/account_routes.hpp"
#include "core/login_contract.hpp"
#include "fake_random.hpp"
#include "storage/accounts.hpp"
#include "storage/interactions.hpp"
#include "storage/migrations.hpp"
#include "storage/sessions.hpp"

#ifndef CAF_SOURCE_DIR
#error "CAF_SOURCE_DIR must name the source tree (templates are read from it)"
#endif

namespace caf::account::test {

inline constexpr const char* jean_nir = "1630631555082";  // 1 63 06 31 555 082
inline constexpr const char* jean_password = "Motdepasse2024";
inline constexpr const char* unknown_nir = "2850775123456";
inline constexpr Argon2Params fast_argon2{1024, 1, 1, 16, 32};

// What the browser keeps between requests: cookies by name.
struct Browser {
    std::map<std::string, std::string> cookies;

    std::string header() const {
        std::string out;
        for (const auto& [name, value] : cookies) out += (out.empty() ? "" : "; ") + name + "=" + value;
        return out;
    }
    // Applies every Set-Cookie of a response (Max-Age=0 removes).
    void receive(const http::Response& response) {
        for (const auto& [name, value] : response.headers.fields()) {
            if (name != "Set-Cookie") continue;
            auto eq = value.find('=');
            auto semi = value.find(';');
            auto cookie = value.substr(0, eq);
            auto content = value.substr(eq + 1, semi - eq - 1);
            if (value.find("Max-Age=0") != std::string::npos) cookies.erase(cookie);
            else cookies[cookie] = content;
        }
    }
};

// Every Set-Cookie value of a response for `name`, the whole header line.
inline std::optional<std::string> set_cookie(const http::Response& response, std::string_view name) {
    for (const auto& [n, v] : response.headers.fields())
        if (n == "Set-Cookie" && v.starts_with(std::string(name) + "=")) return v;
    return std::nullopt;
}

inline std::string html_escaped(std::string_view text) {
    std::string out;
    for (char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += ch;
        }
    }
    return out;
}

class LoginTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("caf-login-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
        remove_db();
        db_ = storage::open_database("sqlite:" + path_.string(), 2);
        storage::migrate(*db_);
        config_.oidc.session_idle = 30 * 60;
        config_.oidc.session_absolute = 12 * 3600;
        context_ = std::make_unique<AccountContext>(
            AccountContext{config_, *db_, protector_, hasher_, lockout_, pages_, csrf_, clock_, random_});
        register_account_routes(router_, *context_);
    }
    void TearDown() override {
        router_ = {};
        context_.reset();
        db_.reset();
        remove_db();
    }
    void remove_db() {
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
    }

    // Imports one account (the import's JSON line fields) and returns its id.
    std::int64_t add_account(const nlohmann::json& line, const PasswordHasher* hasher = nullptr) {
        std::istringstream in(line.dump() + "\n");
        AccountImporter importer(*db_, protector_, hasher ? *hasher : hasher_, clock_);
        auto report = importer.import(in, 1);
        EXPECT_EQ(report.created, 1u) << (report.failures.empty() ? "" : report.failures[0].reason);
        return account_id_of(line.contains("nir") ? line["nir"].get<std::string>() : line["provisional_id"].get<std::string>());
    }
    std::int64_t add_jean(const std::string& password = jean_password) {
        return add_account({{"nir", jean_nir}, {"password", password}, {"civilite", "Monsieur"},
                            {"birth_name", "DUPONT"}, {"first_names", "Jean"}, {"birth_date", "1963-06-15"},
                            {"birth_place", "31555"}, {"email", "jean.dupont@example.test"}, {"email_verified", true},
                            {"phone", "0612345678"}, {"cgu_version", "2024-03"}});
    }
    std::int64_t account_id_of(const std::string& identifier) {
        storage::Accounts accounts(*db_);
        auto found = identifier[0] == 'P' ? accounts.find_by_provisional_id(identifier)
                                          : accounts.find_by_nir_lookup(protector_.lookup(PersonalDataKind::nir, identifier));
        return found ? found->id : 0;
    }

    // A pending authorization request, as oidc/ stores it; returns the interaction id.
    std::string add_interaction(nlohmann::json request = {{"client_id", "portal"}, {"client_name", "caf.fr"}}) {
        std::string id = "interaction-" + std::to_string(++interactions_);
        auto now = to_unix_seconds(clock_.now());
        storage::Interactions(*db_).create(login::digest(id), request, now, now + 1800);
        return id;
    }

    http::Response call(http::Request request) {
        auto q = request.target.find('?');
        request.path = request.target.substr(0, q);
        request.query = q == std::string::npos ? "" : request.target.substr(q + 1);
        request.secure = true;
        auto match = router_.find(request.method, request.path);
        EXPECT_NE(match.route, nullptr) << request.method << " " << request.path;
        if (!match.route) return http::Response::empty(404);
        auto response = match.route->handler(request);
        browser_.receive(response);
        return response;
    }

    http::Response get(const std::string& target) {
        http::Request r;
        r.method = "GET";
        r.target = target;
        if (!browser_.cookies.empty()) r.headers.set("Cookie", browser_.header());
        return call(std::move(r));
    }

    // A form post with the browser's cookies and a valid CSRF token for `purpose` (unless
    // `with_csrf` is false).
    http::Response post(const std::string& target, http::Params form, std::string_view purpose = "login",
                        bool with_csrf = true) {
        http::Request r;
        r.method = "POST";
        r.target = target;
        if (with_csrf) {
            if (!browser_.cookies.contains(std::string(CsrfGuard::cookie_name)))
                browser_.cookies[std::string(CsrfGuard::cookie_name)] = std::string(43, 'k');
            r.headers.set("Cookie", browser_.header());
            form.emplace_back(std::string(CsrfGuard::field_name), csrf_.issue(r, purpose).token);
        } else if (!browser_.cookies.empty()) {
            r.headers.set("Cookie", browser_.header());
        }
        r.headers.set("Content-Type", "application/x-www-form-urlencoded");
        r.body = http::encode_params(form);
        return call(std::move(r));
    }

    http::Response login(const std::string& identifier, const std::string& password, const std::string& target = "/connexion",
                         bool remember = false) {
        http::Params form{{"identifiant", identifier}, {"mot_de_passe", password}};
        if (remember) form.emplace_back("se_souvenir", "1");
        return post(target, form);
    }

    std::filesystem::path path_;
    std::unique_ptr<storage::Database> db_;
    config::Config config_;
    PersonalDataProtector protector_{std::string(32, 'd'), std::string(32, 'l')};
    FakeRandom random_;
    PasswordHasher hasher_{fast_argon2, random_};
    LockoutPolicy lockout_;
    HtmlTemplates pages_{std::filesystem::path(CAF_SOURCE_DIR) / "web" / "templates"};
    CsrfGuard csrf_{std::string(32, 'c'), random_};
    ManualClock clock_;
    std::unique_ptr<AccountContext> context_;
    http::Router router_;
    Browser browser_;
    int interactions_ = 0;
};

}  // namespace caf::account::test
