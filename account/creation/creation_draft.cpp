// Creation drafts in the drafts table, sealed under a key only the browser's cookie gives.
#include "account/creation/creation_draft.hpp"

#include <array>
#include <utility>

#include "account/browser_draft.hpp"
#include "core/crypto.hpp"
#include "core/login_contract.hpp"
#include "storage/drafts.hpp"

namespace caf::account::creation {
namespace {

constexpr std::array<std::pair<Stage, std::string_view>, 5> stage_names{{
    {Stage::civil_status, "etat-civil"},
    {Stage::identity_document, "piece-identite"},
    {Stage::contact, "coordonnees"},
    {Stage::password, "mot-de-passe"},
    {Stage::recap, "recapitulatif"},
}};

// Found by one derivation of the id, opened with another: the store alone cannot read a draft
// (it holds état civil and contact data in clear, and the interaction id).
const BrowserDraftKind& draft_kind() {
    static const BrowserDraftKind kind("creation", "caf-connect creation draft");
    return kind;
}
std::string storage_key(std::string_view id) { return draft_kind().storage_key(id); }

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

std::string seal_creation_draft(std::string_view id, const CreationDraft& d) {
    nlohmann::json j{{"stage", to_string(d.stage)},
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
    if (d.external) j["external"] = {{"identity", linking::to_json(*d.external)}, {"pending", d.external_pending_id}};
    return draft_kind().seal(id, j);
}

std::optional<CreationDraft> open_creation_draft(std::string_view id, std::string_view sealed) {
    auto opened = draft_kind().open(id, sealed);
    if (!opened) return std::nullopt;
    const auto& j = *opened;
    try {
        CreationDraft d;
        auto stage = parse_stage(j.at("stage").get<std::string>());
        if (!stage) return std::nullopt;
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
            d.external = linking::pending_external_identity_from_json(j["external"].at("identity"));
            if (!d.external) return std::nullopt;
            d.external_pending_id = j["external"].at("pending").get<std::string>();
        }
        return d;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::string CreationDrafts::start(CreationDraft draft, TimePoint now) {
    const std::string id = random_token(random_, 32);
    const auto now_s = to_unix_seconds(now);
    draft.expires_at = now_s + lifetime_.count();
    storage::Drafts(db_).save(storage_key(id), seal_creation_draft(id, draft), now_s, draft.expires_at);
    return http::set_cookie_value(cookie_name, id);
}

std::optional<LoadedDraft> CreationDrafts::load(const http::Request& request, TimePoint now) {
    auto id = request.cookie(cookie_name);
    if (!id || id->size() < 20 || id->size() > 128) return std::nullopt;
    auto row = storage::Drafts(db_).find(storage_key(*id), to_unix_seconds(now));
    if (!row) return std::nullopt;
    auto draft = open_creation_draft(*id, row->payload_sealed);
    if (!draft) return std::nullopt;
    return LoadedDraft{*id, std::move(*draft)};
}

void CreationDrafts::save(storage::Connection& c, const LoadedDraft& loaded, TimePoint now) {
    storage::Drafts(db_).save(c, storage_key(loaded.id), seal_creation_draft(loaded.id, loaded.draft),
                              to_unix_seconds(now), loaded.draft.expires_at);
}

void CreationDrafts::save(const LoadedDraft& loaded, TimePoint now) {
    db_.transaction([&](storage::Connection& c) { save(c, loaded, now); });
}

void CreationDrafts::remove(storage::Connection& c, const std::string& id) {
    storage::Drafts(db_).remove(c, storage_key(id));
}

std::string CreationDrafts::clearing_cookie() {
    http::CookieOptions options;
    options.max_age_seconds = 0;
    return http::set_cookie_value(cookie_name, "", options);
}

std::string CreationDrafts::code_subject(std::string_view id) { return "creation:" + login::digest(id); }

}  // namespace caf::account::creation
