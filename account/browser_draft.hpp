// A server-side state bound to one browser (creation wizard, pending login steps, password
// recovery): stored in the drafts table under a digest of the cookie's random id and sealed under
// another derivation of it, so the store alone can neither find nor read it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace caf::account {

class BrowserDraftKind {
public:
    // `kind` names the flow ("creation", "pending-login", "password-recovery"); `label` keys the
    // sealing ("caf-connect creation draft") and is bound as associated data with a version.
    BrowserDraftKind(std::string kind, std::string label) : kind_(std::move(kind)), label_(std::move(label)) {}

    std::string storage_key(std::string_view id) const;
    std::string seal(std::string_view id, const nlohmann::json& payload) const;
    // The payload object, or nullopt when the id does not open it or it is not a JSON object.
    std::optional<nlohmann::json> open(std::string_view id, std::string_view sealed) const;

private:
    std::string kind_;
    std::string label_;
};

}  // namespace caf::account
