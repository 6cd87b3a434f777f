// The login stages and the JSON a pending login is sealed as.
#include "account/steps/pending_login.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

namespace caf::account::steps {
namespace {

constexpr std::array<std::pair<Stage, std::string_view>, 8> stage_names{{
    {Stage::legacy_intro, "introduction"},
    {Stage::cgu, "cgu"},
    {Stage::forced_renewal, "renouvellement"},
    {Stage::incitation, "incitation"},
    {Stage::chosen_renewal, "modification"},
    {Stage::legacy_password, "mot-de-passe"},
    {Stage::contact, "coordonnees"},
    {Stage::delegation, "autorisations"},
}};

}  // namespace

std::string_view to_string(Stage stage) noexcept {
    for (const auto& [s, name] : stage_names)
        if (s == stage) return name;
    return "";
}

std::optional<Stage> parse_stage(std::string_view text) noexcept {
    for (const auto& [s, name] : stage_names)
        if (name == text) return s;
    return std::nullopt;
}

std::vector<Stage> stages_of(const std::vector<PendingStep>& steps) {
    std::vector<Stage> out;
    for (auto step : steps) {
        switch (step) {
            case PendingStep::accept_cgu: out.push_back(Stage::cgu); break;
            case PendingStep::renew_password: out.push_back(Stage::forced_renewal); break;
            case PendingStep::suggest_password_renewal: out.push_back(Stage::incitation); break;
            case PendingStep::legacy_first_connection:
                out.insert(out.end(), {Stage::legacy_intro, Stage::cgu, Stage::legacy_password, Stage::contact});
                break;
            case PendingStep::delegation_question: out.push_back(Stage::delegation); break;
        }
    }
    return out;
}

void to_json(nlohmann::json& j, const PendingLogin& p) {
    nlohmann::json stages = nlohmann::json::array();
    for (auto s : p.stages) stages.push_back(to_string(s));
    j = nlohmann::json{{"account", p.account_id}, {"amr", p.amr},       {"acr", p.acr},
                     {"auth_time", p.auth_time}, {"method", p.method}, {"stages", stages},
                     {"legacy", p.legacy},       {"expires_at", p.expires_at}};
    if (p.interaction_id) j["interaction"] = *p.interaction_id;
    if (p.client_id) j["client"] = *p.client_id;
    if (p.code_id) j["code_id"] = *p.code_id;
    if (p.code_channel) j["code_channel"] = to_string(*p.code_channel);
    if (p.confirmed_channel) j["confirmed"] = to_string(*p.confirmed_channel);
    if (p.delegation_answer) j["delegation"] = *p.delegation_answer;
    if (p.renewal_proved) j["renewal_proved"] = true;
    if (p.upstream) j["upstream"] = {{"provider", p.upstream->provider}, {"id_token", p.upstream->id_token}};
}

void from_json(const nlohmann::json& j, PendingLogin& p) {
    p.account_id = j.at("account").get<std::int64_t>();
    p.amr = j.at("amr").get<std::vector<std::string>>();
    p.acr = j.at("acr").get<std::string>();
    p.auth_time = j.at("auth_time").get<std::int64_t>();
    p.method = j.at("method").get<std::string>();
    p.legacy = j.at("legacy").get<bool>();
    p.expires_at = j.at("expires_at").get<std::int64_t>();
    for (const auto& s : j.at("stages")) {
        auto stage = parse_stage(s.get<std::string>());
        if (!stage) throw std::invalid_argument("unknown login stage");
        p.stages.push_back(*stage);
    }
    if (j.contains("interaction")) p.interaction_id = j["interaction"].get<std::string>();
    if (j.contains("client")) p.client_id = j["client"].get<std::string>();
    if (j.contains("code_id")) p.code_id = j["code_id"].get<std::int64_t>();
    if (j.contains("code_channel")) p.code_channel = parse_code_channel(j["code_channel"].get<std::string>());
    if (j.contains("confirmed")) p.confirmed_channel = parse_code_channel(j["confirmed"].get<std::string>());
    if (j.contains("delegation")) p.delegation_answer = j["delegation"].get<bool>();
    p.renewal_proved = j.value("renewal_proved", false);
    if (j.contains("upstream"))
        p.upstream = session::UpstreamLogin{j["upstream"].at("provider").get<std::string>(),
                                            j["upstream"].at("id_token").get<std::string>()};
}

}  // namespace caf::account::steps
