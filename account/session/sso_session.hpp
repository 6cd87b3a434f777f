// The SSO session of Caf Connect (SPEC.md §3 "Sessions", DESIGN.md "Security shape"): a random
// id in the `__Host-caf_session` cookie, stored only as its digest, with idle and absolute
// expiry, rotated at every login.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/acr.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "core/random.hpp"
#include "storage/database.hpp"
#include "storage/sessions.hpp"

namespace caf::config {
struct Config;
}

namespace caf::account::session {

// The acr of a native NIR (or provisional identifier) + password login. Not "eidas1": that level
// is FranceConnect's, vouched by an identity provider; a password known to Caf Connect alone is
// a project-local level, named as a URN so no client mistakes it for an eIDAS one.
inline constexpr std::string_view acr_password = acr::password;
inline constexpr std::string_view amr_password = "pwd";

struct SessionLifetimes {
    std::chrono::seconds idle{30 * 60};
    std::chrono::seconds absolute{12 * 3600};
};

// The upstream provider a session was opened through (SPEC.md §8): its raw ID token is kept
// for the chained logout at the provider's end-session endpoint.
struct UpstreamLogin {
    std::string provider;  // configured provider name, e.g. "franceconnect"
    std::string id_token;  // raw JWT, sent back as id_token_hint
};

struct OpenedSession {
    std::string digest;      // login::digest of the id: what the store and the LoginResult hold
    std::string set_cookie;  // the Set-Cookie value carrying the id
    std::int64_t auth_time = 0;
};

class SsoSessions {
public:
    SsoSessions(storage::Database& db, Random& random, SessionLifetimes lifetimes)
        : db_(db), random_(random), lifetimes_(lifetimes) {}
    // With the lifetimes of the configuration ([oidc] session_idle, session_absolute).
    static SsoSessions from(const config::Config& config, storage::Database& db, Random& random);

    // Opens the session of a login that has just succeeded and revokes the one the browser
    // presented, if any (rotation: a session id planted before login is worth nothing after).
    // `also` runs in the same transaction with the new digest (complete the interaction, audit),
    // so either all of it happens or none. It may run more than once (transaction retry).
    OpenedSession open(const http::Request& request, std::int64_t account_id, std::vector<std::string> amr,
                       std::string acr, TimePoint now,
                       const std::function<void(storage::Connection&, const std::string& digest)>& also = {},
                       const std::optional<UpstreamLogin>& upstream = std::nullopt);

    // The browser's active session, its idle expiry moved forward (never past the absolute one);
    // nullopt without a cookie, or for an unknown, expired or revoked session.
    std::optional<storage::Session> current(const http::Request& request, TimePoint now);

    // Ends the browser's session everywhere it was used (storage::end_session: the session, the
    // access tokens and the refresh tokens issued from it, except offline_access ones); `also`
    // runs in the same transaction with the ended session (audit). False when there was no
    // active session.
    bool end(const http::Request& request, TimePoint now,
             const std::function<void(storage::Connection&, const storage::Session&)>& also = {});

    // Set-Cookie values: the session cookie (no Max-Age: it dies with the browser; the server's
    // expiry is the real bound) and the one that removes it.
    static std::string cookie(std::string_view id);
    static std::string clearing_cookie();

private:
    storage::Database& db_;
    Random& random_;
    SessionLifetimes lifetimes_;
};

}  // namespace caf::account::session
