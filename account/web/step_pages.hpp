// The pages of the steps pending after a login (SPEC.md §3, §5): CGU, forced renewal or its
// incitation, the legacy first connection (introduction, CGU, new password, contact data with a
// code). Thin handlers over PendingLogins; the last step opens the session and completes the
// interaction. Registered as blocking routes (store, Argon2id).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/http.hpp"

namespace caf::account {
struct AccountContext;
}

namespace caf::account::steps {

// GET /connexion/etapes: the current step's page.
http::Response show_current_step(const http::Request& request, AccountContext& ctx);
// POST /connexion/etapes: the current step's form (field "etape" names it, "action" the button).
http::Response submit_current_step(const http::Request& request, AccountContext& ctx);
// POST /connexion/etapes/quitter: "Quitter" — the pending login is dropped, back to /connexion.
http::Response quit_steps(const http::Request& request, AccountContext& ctx);

// The CGU text of `version` (web/cgu/<version>.html); nullopt when the file cannot be read.
std::optional<std::string> cgu_text(const std::filesystem::path& dir, const std::string& version);

// The purpose of the first connection's contact codes (verification_codes.purpose).
inline constexpr std::string_view contact_code_purpose = "first_connection_contact";
// The proof asked before a forced renewal: the same code, sent to a known contact.
inline constexpr std::string_view renewal_code_purpose = "forced_renewal";

}  // namespace caf::account::steps
