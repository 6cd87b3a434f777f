// Pending external identities in the drafts table, sealed under a key only the browser's cookie gives.
#include "account/linking/pending_external_identity.hpp"

#include "account/browser_draft.hpp"
#include "storage/drafts.hpp"

namespace caf::account::linking {
namespace {

// Found by one derivation of the id, opened with another: the store alone cannot read the pivot,
// the e-mail or the provider's ID token.
const BrowserDraftKind& draft_kind() {
    static const BrowserDraftKind kind("external-identity", "caf-connect pending external identity");
    return kind;
}

}  // namespace

nlohmann::json to_json(const PendingExternalIdentity& p) {
    nlohmann::json j{{"provider", p.provider}, {"provider_label", p.provider_label},
                     {"subject", p.subject},   {"person", account::to_json(p.person)},
                     {"acr", p.acr},           {"amr", p.amr},
                     {"id_token", p.id_token}, {"expires_at", p.expires_at}};
    if (p.verified_nir) j["verified_nir"] = *p.verified_nir;
    if (p.email) j["email"] = *p.email;
    if (p.interaction_id) j["interaction"] = *p.interaction_id;
    if (p.client_id) j["client"] = *p.client_id;
    return j;
}

std::optional<PendingExternalIdentity> pending_external_identity_from_json(const nlohmann::json& j) {
    if (!j.is_object()) return std::nullopt;
    try {
        PendingExternalIdentity p;
        p.provider = j.at("provider").get<std::string>();
        p.provider_label = j.at("provider_label").get<std::string>();
        p.subject = j.at("subject").get<std::string>();
        auto person = person_from_json(j.at("person"));
        if (!person) return std::nullopt;
        p.person = std::move(*person);
        p.acr = j.at("acr").get<std::string>();
        p.amr = j.at("amr").get<std::vector<std::string>>();
        p.id_token = j.at("id_token").get<std::string>();
        p.expires_at = j.at("expires_at").get<std::int64_t>();
        if (j.contains("verified_nir")) p.verified_nir = j["verified_nir"].get<std::string>();
        if (j.contains("email")) p.email = j["email"].get<std::string>();
        if (j.contains("interaction")) p.interaction_id = j["interaction"].get<std::string>();
        if (j.contains("client")) p.client_id = j["client"].get<std::string>();
        if (p.provider.empty() || p.subject.empty()) return std::nullopt;
        return p;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::string PendingExternalIdentities::start(PendingExternalIdentity identity, TimePoint now) {
    const std::string id = random_token(random_, 32);
    const auto now_s = to_unix_seconds(now);
    identity.expires_at = now_s + lifetime_.count();
    storage::Drafts(db_).save(draft_kind().storage_key(id), draft_kind().seal(id, to_json(identity)), now_s,
                              identity.expires_at);
    return http::set_cookie_value(cookie_name, id);
}

std::optional<LoadedExternalIdentity> PendingExternalIdentities::load(const http::Request& request, TimePoint now) {
    auto id = request.cookie(cookie_name);
    if (!id || id->size() < 20 || id->size() > 128) return std::nullopt;
    const auto now_s = to_unix_seconds(now);
    auto row = storage::Drafts(db_).find(draft_kind().storage_key(*id), now_s);
    if (!row) return std::nullopt;
    auto opened = draft_kind().open(*id, row->payload_sealed);
    if (!opened) return std::nullopt;
    auto identity = pending_external_identity_from_json(*opened);
    if (!identity || identity->expires_at <= now_s) return std::nullopt;
    return LoadedExternalIdentity{*id, std::move(*identity)};
}

void PendingExternalIdentities::remove(storage::Connection& c, const std::string& id) {
    storage::Drafts(db_).remove(c, draft_kind().storage_key(id));
}

std::string PendingExternalIdentities::clearing_cookie() {
    http::CookieOptions options;
    options.max_age_seconds = 0;
    return http::set_cookie_value(cookie_name, "", options);
}

}  // namespace caf::account::linking
