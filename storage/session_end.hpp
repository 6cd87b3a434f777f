// Ending an SSO session, the one way every logout does it (RP-initiated logout in oidc/, the
// account's "Déconnexion", the admin API's revocation, a password change or reset): the session,
// its access tokens, and its refresh tokens except those granted offline_access, which outlive
// the session by design (OIDC Core §11); and, in the same transaction, a back-channel logout for
// each client that took part in it (OpenID Connect Back-Channel Logout 1.0), queued in the
// notification queue and sent from there (oidc/logout/backchannel_logout_sender.hpp). An expiry
// ends nothing here and sends nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/database.hpp"

namespace caf::storage {

struct SessionEnd {
    bool session_revoked = false;  // false when it was already revoked (or unknown)
    std::int64_t access_tokens_revoked = 0;
    std::int64_t refresh_tokens_revoked = 0;
    std::int64_t logouts_queued = 0;  // back-channel logouts, one per client of the session
};

// The notification channel of back-channel logouts, and what a queued one holds: nothing personal
// (a client id, an account id, a session digest), so it is stored in clear.
inline constexpr std::string_view backchannel_logout_channel = "backchannel_logout";
inline constexpr std::string_view backchannel_logout_template = "logout_token";
struct QueuedLogout {
    std::string client_id;
    std::int64_t account_id = 0;
    std::string session_digest;  // raw bytes, as in sessions.digest
};
std::string encode_queued_logout(std::int64_t account_id, const std::string& session_digest);
// nullopt for a payload this version did not write.
std::optional<QueuedLogout> decode_queued_logout(const std::string& client_id, const std::string& payload);

// Runs in the caller's write transaction, so the caller's audit entry commits with it. Tokens are
// revoked even when the session itself was already revoked: a second call finishes what a first
// one missed (a token recorded concurrently) and is otherwise a no-op.
// The back-channel logouts are queued only by the call that actually ends the session.
SessionEnd end_session(Connection& c, const std::string& session_digest, std::int64_t now);

// Every session of the account still active at `now` but `except_digest` (the person's own, on a
// password change) ends as above; sessions already expired are only marked revoked. The account's
// remaining tokens are the caller's to revoke.
struct AccountSessionsEnd {
    std::int64_t sessions_revoked = 0;  // active ones ended and expired ones marked
    std::int64_t logouts_queued = 0;
};
AccountSessionsEnd end_sessions_of_account(Connection& c, std::int64_t account_id, std::int64_t now,
                                           const std::optional<std::string>& except_digest = std::nullopt);

}  // namespace caf::storage
