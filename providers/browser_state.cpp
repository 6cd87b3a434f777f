// The JSON the upstream states are sealed as.
#include "providers/browser_state.hpp"

#include "core/crypto.hpp"

namespace caf::providers {

void to_json(nlohmann::json& j, const PendingAuthorization& p) {
    j = nlohmann::json{{"provider", p.provider}, {"state", p.state}, {"nonce", p.nonce}, {"expires_at", p.expires_at}};
    if (p.code_verifier) j["code_verifier"] = *p.code_verifier;
    if (p.interaction_id) j["interaction"] = *p.interaction_id;
}

void from_json(const nlohmann::json& j, PendingAuthorization& p) {
    p.provider = j.at("provider").get<std::string>();
    p.state = j.at("state").get<std::string>();
    p.nonce = j.at("nonce").get<std::string>();
    p.expires_at = j.at("expires_at").get<std::int64_t>();
    if (j.contains("code_verifier")) p.code_verifier = j["code_verifier"].get<std::string>();
    if (j.contains("interaction")) p.interaction_id = j["interaction"].get<std::string>();
}

void to_json(nlohmann::json& j, const PendingUpstreamLogout& p) {
    j = nlohmann::json{
        {"provider", p.provider}, {"state", p.state}, {"continue_to", p.continue_to}, {"expires_at", p.expires_at}};
}

void from_json(const nlohmann::json& j, PendingUpstreamLogout& p) {
    p.provider = j.at("provider").get<std::string>();
    p.state = j.at("state").get<std::string>();
    p.continue_to = j.at("continue_to").get<std::string>();
    p.expires_at = j.at("expires_at").get<std::int64_t>();
}

bool returns_state(std::string_view stored, std::string_view returned) {
    return !returned.empty() && crypto::constant_time_equal(stored, returned);
}

}  // namespace caf::providers
