// Resource indicators.
#include "oidc/issuance/resource_audience.hpp"

#include <algorithm>

namespace caf::oidc::issuance {
namespace {

bool contains(const std::vector<std::string>& values, std::string_view value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

void add_unique(std::vector<std::string>& values, const std::string& value) {
    if (!contains(values, value)) values.push_back(value);
}

}  // namespace

const config::ResourceConfig* find_resource(const config::Config& config, std::string_view uri) {
    for (const auto& resource : config.resources)
        if (resource.uri == uri) return &resource;
    return nullptr;
}

std::string userinfo_audience(std::string_view issuer) { return std::string(issuer) + "/userinfo"; }

expected<std::vector<std::string>, std::string> check_resources(const config::Config& config,
                                                                const std::vector<std::string>& requested) {
    std::vector<std::string> out;
    for (const auto& uri : requested) {
        if (!find_resource(config, uri)) return unexpected<std::string>{"unknown resource: " + uri};
        add_unique(out, uri);
    }
    return out;
}

expected<Audience, std::string> resolve_audience(const config::Config& config, const std::vector<std::string>& requested,
                                                 const std::vector<std::string>& authorized, const ScopeSet& granted,
                                                 const std::string& fallback) {
    auto checked = check_resources(config, requested);
    if (!checked) return unexpected<std::string>{checked.error()};
    for (const auto& uri : *checked)
        if (!authorized.empty() && !contains(authorized, uri))
            return unexpected<std::string>{"resource not in the authorization request: " + uri};
    const auto& targets = checked->empty() ? authorized : *checked;

    Audience out;
    if (!targets.empty()) {
        // Asked for: only these audiences, and only the scopes they accept.
        for (const auto& uri : targets) {
            const auto* resource = find_resource(config, uri);
            if (!resource) return unexpected<std::string>{"unknown resource: " + uri};  // config changed since
            for (const auto& s : resource->scopes)
                if (granted.contains(s)) out.scope.insert(s);
            add_unique(out.aud, uri);
        }
        if (out.scope.empty()) return unexpected<std::string>{"the grant holds no scope of the requested resource"};
        return out;
    }
    // Not asked for: every resource the granted scopes reach, and userinfo for a person.
    out.scope = granted;
    for (const auto& resource : config.resources)
        if (std::any_of(resource.scopes.begin(), resource.scopes.end(),
                        [&](const std::string& s) { return granted.contains(s); }))
            add_unique(out.aud, resource.uri);
    if (granted.contains("openid")) add_unique(out.aud, userinfo_audience(config.server.issuer));
    if (out.aud.empty()) out.aud.push_back(fallback);
    return out;
}

}  // namespace caf::oidc::issuance
