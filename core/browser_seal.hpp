// The sealing of a server-side state bound to one browser (creation wizard, pending login steps,
// password recovery, pending external identity, upstream authorization and logout): stored under
// a digest of the random id the browser's cookie holds, sealed under another derivation of that
// id, so the store alone can neither find nor read it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace caf::browser_seal {

// "<name>:<digest of id>": the row's key; `name` is the flow ("creation", "pending-login").
std::string storage_key(std::string_view name, std::string_view id);
// `label` keys the sealing ("caf-connect creation draft") and is bound as associated data with a
// version.
std::string seal(std::string_view label, std::string_view id, const nlohmann::json& payload);
// The payload object, or nullopt when the id does not open it or it is not a JSON object.
std::optional<nlohmann::json> open(std::string_view label, std::string_view id, std::string_view sealed);

}  // namespace caf::browser_seal
