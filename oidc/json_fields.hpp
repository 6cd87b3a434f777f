// Typed reads of the JSON the provider stores itself (interactions, code payloads): a missing or
// mistyped member reads as absent rather than throwing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace caf::oidc {

inline std::optional<std::string> optional_string(const nlohmann::json& j, const char* name) {
    if (!j.is_object()) return std::nullopt;
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

// The string elements of an array member; empty when there is none.
inline std::vector<std::string> string_array(const nlohmann::json& j, const char* name) {
    std::vector<std::string> out;
    if (!j.is_object()) return out;
    if (auto it = j.find(name); it != j.end() && it->is_array())
        for (const auto& v : *it)
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

}  // namespace caf::oidc
