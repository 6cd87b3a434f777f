// The wizard's stages and the JSON the creation draft is sealed as.
#include "account/creation/creation_draft.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include "core/login_contract.hpp"

namespace caf::account::creation {
namespace {

constexpr std::array<std::pair<Stage, std::string_view>, 5> stage_names{{
    {Stage::civil_status, "etat-civil"},
    {Stage::identity_document, "piece-identite"},
    {Stage::contact, "coordonnees"},
    {Stage::password, "mot-de-passe"},
    {Stage::recap, "recapitulatif"},
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

void to_json(nlohmann::json& j, const CreationDraft& d) {
    j = nlohmann::json{{"stage", to_string(d.stage)},
                     {"civil", d.civil_status},
                     {"document", d.identity_document},
                     {"documents_required", d.documents_required},
                     {"contact", d.contact},
                     {"verified", d.contact_verified},
                     {"identifier", d.identifier},
                     {"expires_at", d.expires_at}};
    if (d.interaction_id) j["interaction"] = *d.interaction_id;
    if (d.channel) j["channel"] = to_string(*d.channel);
    if (d.code_id) j["code_id"] = *d.code_id;
    if (d.account_id) j["account"] = *d.account_id;
    if (d.external) j["external"] = {{"identity", *d.external}, {"pending", d.external_pending_id}};
}

void from_json(const nlohmann::json& j, CreationDraft& d) {
    auto stage = parse_stage(j.at("stage").get<std::string>());
    if (!stage) throw std::invalid_argument("unknown creation stage");
    d.stage = *stage;
    d.civil_status = j.at("civil");
    d.identity_document = j.at("document");
    d.documents_required = j.at("documents_required").get<bool>();
    d.contact = j.at("contact").get<std::string>();
    d.contact_verified = j.at("verified").get<bool>();
    d.identifier = j.at("identifier").get<std::string>();
    d.expires_at = j.at("expires_at").get<std::int64_t>();
    if (j.contains("interaction")) d.interaction_id = j["interaction"].get<std::string>();
    if (j.contains("channel")) d.channel = parse_code_channel(j["channel"].get<std::string>());
    if (j.contains("code_id")) d.code_id = j["code_id"].get<std::int64_t>();
    if (j.contains("account")) d.account_id = j["account"].get<std::int64_t>();
    if (j.contains("external")) {
        d.external = j["external"].at("identity").get<linking::PendingExternalIdentity>();
        d.external_pending_id = j["external"].at("pending").get<std::string>();
    }
}

std::string code_subject(std::string_view id) { return "creation:" + login::digest(id); }

}  // namespace caf::account::creation
