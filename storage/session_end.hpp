// Ending an SSO session, the one way every logout does it (RP-initiated logout in oidc/, the
// account's "Déconnexion"): the session, its access tokens, and its refresh tokens except those
// granted offline_access, which outlive the session by design (OIDC Core §11).
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.hpp"

namespace caf::storage {

struct SessionEnd {
    bool session_revoked = false;  // false when it was already revoked (or unknown)
    std::int64_t access_tokens_revoked = 0;
    std::int64_t refresh_tokens_revoked = 0;
};

// Runs in the caller's write transaction, so the caller's audit entry commits with it. Tokens are
// revoked even when the session itself was already revoked: a second call finishes what a first
// one missed (a token recorded concurrently) and is otherwise a no-op.
SessionEnd end_session(Connection& c, const std::string& session_digest, std::int64_t now);

}  // namespace caf::storage
