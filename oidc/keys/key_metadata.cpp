// keys.json reading and writing, strict on input since a wrong entry would mean a wrong key.
#include "oidc/keys/key_metadata.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace caf::oidc::keys {
namespace {

constexpr int format_version = 1;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& reason) {
    throw key_store_error(file.string() + ": " + reason);
}

TimePoint time_member(const nlohmann::json& entry, const char* name, const std::filesystem::path& file) {
    auto it = entry.find(name);
    if (it == entry.end() || !it->is_number_integer())
        fail(file, std::string("key entry has no integer \"") + name + "\"");
    return from_unix_seconds(it->get<std::int64_t>());
}

}  // namespace

bool is_valid_kid(std::string_view kid) {
    if (kid.empty() || kid.size() > 128) return false;
    for (char c : kid)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

std::vector<KeyInfo> parse_key_metadata(std::string_view text, const std::filesystem::path& file) {
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded()) fail(file, "not valid JSON");
    if (!json.is_object() || json.value("format", 0) != format_version)
        fail(file, "expected an object with \"format\": " + std::to_string(format_version));
    auto keys = json.find("keys");
    if (keys == json.end() || !keys->is_array()) fail(file, "\"keys\" is not an array");

    std::vector<KeyInfo> out;
    std::set<std::string> kids;
    for (const auto& entry : *keys) {
        if (!entry.is_object()) fail(file, "a key entry is not an object");
        KeyInfo info;
        auto kid = entry.find("kid");
        if (kid == entry.end() || !kid->is_string() || !is_valid_kid(kid->get_ref<const std::string&>()))
            fail(file, "key entry has no valid \"kid\"");
        info.kid = kid->get<std::string>();
        if (!kids.insert(info.kid).second) fail(file, "kid " + info.kid + " appears twice");
        auto alg = entry.find("alg");
        auto parsed = alg != entry.end() && alg->is_string() ? jose::parse_algorithm(alg->get<std::string>())
                                                             : std::nullopt;
        if (!parsed || jose::is_symmetric(*parsed)) fail(file, "key " + info.kid + " has no valid \"alg\"");
        info.alg = *parsed;
        info.created_at = time_member(entry, "created_at", file);
        info.activates_at = time_member(entry, "activates_at", file);
        if (auto retires = entry.find("retires_at"); retires != entry.end() && !retires->is_null())
            info.retires_at = time_member(entry, "retires_at", file);
        out.push_back(std::move(info));
    }
    return out;
}

std::string serialise_key_metadata(const std::vector<KeyInfo>& keys) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& key : keys) {
        nlohmann::json entry = {{"kid", key.kid},
                                {"alg", jose::to_string(key.alg)},
                                {"created_at", to_unix_seconds(key.created_at)},
                                {"activates_at", to_unix_seconds(key.activates_at)},
                                {"retires_at", nullptr}};
        if (key.retires_at) entry["retires_at"] = to_unix_seconds(*key.retires_at);
        list.push_back(std::move(entry));
    }
    return nlohmann::json{{"format", format_version}, {"keys", std::move(list)}}.dump(2) + "\n";
}

}  // namespace caf::oidc::keys
