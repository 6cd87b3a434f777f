// The JSON a pending external identity is sealed as.
#include "account/linking/pending_external_identity.hpp"

#include <stdexcept>

namespace caf::account::linking {

void to_json(nlohmann::json& j, const PendingExternalIdentity& p) {
    j = nlohmann::json{{"provider", p.provider}, {"provider_label", p.provider_label},
                     {"subject", p.subject},   {"person", account::to_json(p.person)},
                     {"acr", p.acr},           {"amr", p.amr},
                     {"id_token", p.id_token}, {"expires_at", p.expires_at}};
    if (p.verified_nir) j["verified_nir"] = *p.verified_nir;
    if (p.email) j["email"] = *p.email;
    if (p.interaction_id) j["interaction"] = *p.interaction_id;
    if (p.client_id) j["client"] = *p.client_id;
}

void from_json(const nlohmann::json& j, PendingExternalIdentity& p) {
    p.provider = j.at("provider").get<std::string>();
    p.provider_label = j.at("provider_label").get<std::string>();
    p.subject = j.at("subject").get<std::string>();
    auto person = person_from_json(j.at("person"));
    if (!person) throw std::invalid_argument("unreadable identity pivot");
    p.person = std::move(*person);
    p.acr = j.at("acr").get<std::string>();
    p.amr = j.at("amr").get<std::vector<std::string>>();
    p.id_token = j.at("id_token").get<std::string>();
    p.expires_at = j.at("expires_at").get<std::int64_t>();
    if (j.contains("verified_nir")) p.verified_nir = j["verified_nir"].get<std::string>();
    if (j.contains("email")) p.email = j["email"].get<std::string>();
    if (j.contains("interaction")) p.interaction_id = j["interaction"].get<std::string>();
    if (j.contains("client")) p.client_id = j["client"].get<std::string>();
    if (p.provider.empty() || p.subject.empty()) throw std::invalid_argument("no provider or subject");
}

}  // namespace caf::account::linking
