// The contract between the provider side (oidc/) and the login side (account/, providers/): the
// only thing they share is the interaction. oidc/ stores the validated authorization request and
// sends the browser to the login page; a login completes the interaction with a LoginResult and
// sends the browser back to the resume URL. Neither side knows the other's internals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace caf::login {

// The SSO session cookie: `__Host-` prefix, Secure, HttpOnly, SameSite=Lax (DESIGN.md).
inline constexpr std::string_view session_cookie = "__Host-caf_session";

// Fields of the stored interaction request that the login pages may read.
namespace request_field {
inline constexpr const char* client_id = "client_id";
inline constexpr const char* client_name = "client_name";
inline constexpr const char* login_hint = "login_hint";
inline constexpr const char* prompt = "prompt";  // array of strings
inline constexpr const char* acr_values = "acr_values";
inline constexpr const char* ui_locales = "ui_locales";
}  // namespace request_field

struct LoginResult {
    std::int64_t account_id = 0;
    std::vector<std::string> amr;  // "pwd", "fc", "mfa" ...
    std::string acr;               // "eidas1" ...
    std::int64_t auth_time = 0;    // unix seconds
    std::string session_digest;    // the SSO session opened by this login
};

nlohmann::json to_json(const LoginResult& result);
std::optional<LoginResult> login_result_from_json(const nlohmann::json& json);

// Paths both sides agree on.
inline constexpr std::string_view login_path = "/connexion";
inline constexpr std::string_view create_account_path = "/creer-mon-compte";
inline constexpr std::string_view resume_path = "/authorize/resume";
inline constexpr std::string_view account_home_path = "/mon-compte";
inline constexpr std::string_view cgu_path = "/conditions-generales";  // discovery's op_tos_uri
std::string login_url(std::string_view interaction_id);
std::string create_account_url(std::string_view interaction_id);
std::string resume_url(std::string_view interaction_id);
// Where a login through the upstream provider `name` starts: /providers/<name>/start.
std::string provider_start_path(std::string_view name);
std::string provider_start_url(std::string_view name, std::string_view interaction_id);

// Session ids and interaction ids are stored only as digests (hex SHA-256).
std::string digest(std::string_view secret);

}  // namespace caf::login
