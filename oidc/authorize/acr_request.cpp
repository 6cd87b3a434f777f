// acr requests.
#include "oidc/authorize/acr_request.hpp"

#include <algorithm>

#include "core/acr.hpp"

namespace caf::oidc {
namespace {

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto space = text.find(' ');
        if (space != 0) out.emplace_back(text.substr(0, space));
        text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    }
    return out;
}

bool answers_any(std::string_view issued, const std::vector<std::string>& targets) {
    return std::any_of(targets.begin(), targets.end(),
                       [&](const std::string& wanted) { return acr::satisfies(issued, wanted); });
}

}  // namespace

std::vector<std::string> issued_acr_values(const config::Config& config) {
    std::vector<std::string> out{std::string(acr::password)};
    for (const auto& provider : config.providers)
        for (auto& value : words(provider.acr_values))
            if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
    return out;
}

std::vector<std::string> answerable_acr_values(const config::Config& config, const std::vector<std::string>& requested) {
    const auto issued = issued_acr_values(config);
    std::vector<std::string> out;
    for (const auto& wanted : requested)
        if (std::any_of(issued.begin(), issued.end(), [&](const std::string& v) { return acr::satisfies(v, wanted); }) &&
            std::find(out.begin(), out.end(), wanted) == out.end())
            out.push_back(wanted);
    return out;
}

bool acr_meets(std::string_view acr, const std::vector<std::string>& targets) {
    return targets.empty() || answers_any(acr, targets);
}

std::optional<std::string> provider_for_acr(const config::Config& config, const std::vector<std::string>& targets) {
    if (acr_meets(acr::password, targets)) return std::nullopt;
    for (const auto& provider : config.providers)
        for (const auto& value : words(provider.acr_values))
            if (answers_any(value, targets)) return provider.name;
    return std::nullopt;
}

}  // namespace caf::oidc
