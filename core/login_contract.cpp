// Serialisation of the login result and the shared URLs.
#include "core/login_contract.hpp"

#include "core/crypto.hpp"
#include "core/http.hpp"

namespace caf::login {

nlohmann::json to_json(const LoginResult& r) {
    return {{"account_id", r.account_id}, {"amr", r.amr}, {"acr", r.acr}, {"auth_time", r.auth_time},
            {"session_digest", r.session_digest}};
}

std::optional<LoginResult> login_result_from_json(const nlohmann::json& j) {
    try {
        LoginResult r;
        r.account_id = j.at("account_id").get<std::int64_t>();
        r.amr = j.at("amr").get<std::vector<std::string>>();
        r.acr = j.at("acr").get<std::string>();
        r.auth_time = j.at("auth_time").get<std::int64_t>();
        r.session_digest = j.at("session_digest").get<std::string>();
        return r;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

namespace {
std::string with_interaction(std::string_view path, std::string_view id) {
    return std::string(path) + "?interaction=" + http::url_encode(id);
}
}  // namespace

std::string login_url(std::string_view id) { return with_interaction(login_path, id); }
std::string create_account_url(std::string_view id) { return with_interaction(create_account_path, id); }
std::string resume_url(std::string_view id) { return with_interaction(resume_path, id); }
std::string provider_start_path(std::string_view name) { return "/providers/" + std::string(name) + "/start"; }
std::string provider_start_url(std::string_view name, std::string_view id) {
    return with_interaction(provider_start_path(name), id);
}

std::string digest(std::string_view secret) { return crypto::hex_encode(crypto::sha256(secret)); }

}  // namespace caf::login
