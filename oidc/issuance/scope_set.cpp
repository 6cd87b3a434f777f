// Scope parsing and classification.
#include "oidc/issuance/scope_set.hpp"

#include <algorithm>
#include <array>

namespace caf::oidc::issuance {

std::optional<ScopeSet> parse_scope(std::string_view text) {
    ScopeSet out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(' ', start);
        if (end == std::string_view::npos) end = text.size();
        auto token = text.substr(start, end - start);
        if (token.empty()) return std::nullopt;  // leading, trailing or double space, or empty
        for (char c : token) {
            auto u = static_cast<unsigned char>(c);
            if (u < 0x21 || u > 0x7e || c == '"' || c == '\\') return std::nullopt;
        }
        out.emplace(token);
        start = end + 1;
    }
    return out;
}

std::string to_string(const ScopeSet& scopes) {
    std::string out;
    for (const auto& s : scopes) {
        if (!out.empty()) out += ' ';
        out += s;
    }
    return out;
}

std::vector<std::string> to_vector(const ScopeSet& scopes) { return {scopes.begin(), scopes.end()}; }

bool is_identity_scope(std::string_view scope) {
    static constexpr std::array<std::string_view, 8> identity{"openid", "profile", "email", "phone",
                                                              "address", "offline_access", "caf_dossier", "caf_nir"};
    return std::find(identity.begin(), identity.end(), scope) != identity.end();
}

bool is_subset(const ScopeSet& inner, const ScopeSet& outer) {
    return std::includes(outer.begin(), outer.end(), inner.begin(), inner.end());
}

}  // namespace caf::oidc::issuance
