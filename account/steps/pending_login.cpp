// Pending logins in the drafts table, sealed under a key only the browser's cookie can give.
#include "account/steps/pending_login.hpp"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "account/browser_draft.hpp"
#include "core/crypto.hpp"
#include "core/login_contract.hpp"
#include "storage/drafts.hpp"

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

// The row is found by the id's digest (login::digest, SHA-256) and opened with a different
// derivation of the same id, so knowing the digest (the store) does not open the payload.
const BrowserDraftKind& draft_kind() {
    static const BrowserDraftKind kind("pending-login", "caf-connect pending login");
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

std::string seal_pending_login(std::string_view id, const PendingLogin& p) {
    nlohmann::json stages = nlohmann::json::array();
    for (auto s : p.stages) stages.push_back(to_string(s));
    nlohmann::json j{{"account", p.account_id}, {"amr", p.amr},       {"acr", p.acr},
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
    return draft_kind().seal(id, j);
}

std::optional<PendingLogin> open_pending_login(std::string_view id, std::string_view sealed) {
    auto opened = draft_kind().open(id, sealed);
    if (!opened) return std::nullopt;
    const auto& j = *opened;
    try {
        PendingLogin p;
        p.account_id = j.at("account").get<std::int64_t>();
        p.amr = j.at("amr").get<std::vector<std::string>>();
        p.acr = j.at("acr").get<std::string>();
        p.auth_time = j.at("auth_time").get<std::int64_t>();
        p.method = j.at("method").get<std::string>();
        p.legacy = j.at("legacy").get<bool>();
        p.expires_at = j.at("expires_at").get<std::int64_t>();
        for (const auto& s : j.at("stages")) {
            auto stage = parse_stage(s.get<std::string>());
            if (!stage) return std::nullopt;
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
        return p;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::optional<LoadedLogin> PendingLogins::load(const http::Request& request, TimePoint now) {
    auto id = request.cookie(cookie_name);
    if (!id || id->size() < 20 || id->size() > 128) return std::nullopt;
    auto row = storage::Drafts(db_).find(storage_key(*id), to_unix_seconds(now));
    if (!row) return std::nullopt;
    auto login = open_pending_login(*id, row->payload_sealed);
    if (!login) return std::nullopt;
    return LoadedLogin{*id, std::move(*login)};
}

void PendingLogins::save(storage::Connection& c, const LoadedLogin& loaded, TimePoint now) {
    storage::Drafts(db_).save(c, storage_key(loaded.id), seal_pending_login(loaded.id, loaded.login),
                              to_unix_seconds(now), loaded.login.expires_at);
}

void PendingLogins::save(const LoadedLogin& loaded, TimePoint now) {
    db_.transaction([&](storage::Connection& c) { save(c, loaded, now); });
}

void PendingLogins::remove(storage::Connection& c, const std::string& id) { storage::Drafts(db_).remove(c, storage_key(id)); }

std::string PendingLogins::cookie(std::string_view id) { return http::set_cookie_value(cookie_name, id); }

std::string PendingLogins::clearing_cookie() {
    http::CookieOptions options;
    options.max_age_seconds = 0;
    return http::set_cookie_value(cookie_name, "", options);
}

}  // namespace caf::account::steps
