// SSO sessions over storage::Sessions.
#include "account/session/sso_session.hpp"

#include <algorithm>

#include "config/config.hpp"
#include "core/login_contract.hpp"
#include "storage/session_end.hpp"

namespace caf::account::session {
namespace {

std::optional<std::string> presented_digest(const http::Request& request) {
    auto id = request.cookie(login::session_cookie);
    // A random_token(32) is 43 characters; anything far from that was never ours.
    if (!id || id->empty() || id->size() > 128) return std::nullopt;
    return login::digest(*id);
}

}  // namespace

SsoSessions SsoSessions::from(const config::Config& config, storage::Database& db, Random& random) {
    return SsoSessions(db, random,
                       {std::chrono::seconds{config.oidc.session_idle},
                        std::chrono::seconds{config.oidc.session_absolute}});
}

OpenedSession SsoSessions::open(const http::Request& request, std::int64_t account_id, std::vector<std::string> amr,
                                std::string acr, TimePoint now,
                                const std::function<void(storage::Connection&, const std::string&)>& also,
                                const std::optional<UpstreamLogin>& upstream) {
    // Drawn before the transaction, so a retried transaction stores the same id.
    const std::string id = random_token(random_, 32);
    const std::int64_t now_s = to_unix_seconds(now);

    storage::Session s;
    s.digest = login::digest(id);
    s.account_id = account_id;
    s.auth_time = now_s;
    s.amr = std::move(amr);
    s.acr = std::move(acr);
    s.created_at = now_s;
    s.last_seen_at = now_s;
    s.absolute_expires_at = now_s + lifetimes_.absolute.count();
    s.idle_expires_at = std::min(now_s + lifetimes_.idle.count(), s.absolute_expires_at);
    if (upstream) {
        s.upstream_provider = upstream->provider;
        s.upstream_id_token = upstream->id_token;
    }

    const auto previous = presented_digest(request);
    storage::Sessions sessions(db_);
    db_.transaction([&](storage::Connection& c) {
        if (previous) sessions.revoke(c, *previous, now_s);
        sessions.create(c, s);
        if (also) also(c, s.digest);
    });
    return OpenedSession{s.digest, cookie(id), now_s};
}

std::optional<storage::Session> SsoSessions::current(const http::Request& request, TimePoint now) {
    const auto digest = presented_digest(request);
    if (!digest) return std::nullopt;
    const std::int64_t now_s = to_unix_seconds(now);
    storage::Sessions sessions(db_);
    return db_.transaction([&](storage::Connection& c) -> std::optional<storage::Session> {
        auto found = sessions.find_active(c, *digest, now_s);
        if (!found) return std::nullopt;
        const auto idle = std::min(now_s + lifetimes_.idle.count(), found->absolute_expires_at);
        sessions.touch(c, *digest, now_s, idle);
        found->last_seen_at = now_s;
        found->idle_expires_at = idle;
        return found;
    });
}

bool SsoSessions::end(const http::Request& request, TimePoint now,
                      const std::function<void(storage::Connection&, const storage::Session&)>& also) {
    const auto digest = presented_digest(request);
    if (!digest) return false;
    const std::int64_t now_s = to_unix_seconds(now);
    storage::Sessions sessions(db_);
    return db_.transaction([&](storage::Connection& c) {
        auto found = sessions.find_active(c, *digest, now_s);
        if (!found) return false;
        // The same ending as the provider's /logout: the clients' tokens from this session go
        // too (SPEC.md §3, "ends it everywhere it was used"), offline_access grants stay.
        storage::end_session(c, *digest, now_s);
        if (also) also(c, *found);
        return true;
    });
}

std::string SsoSessions::cookie(std::string_view id) {
    return http::set_cookie_value(login::session_cookie, id);
}

std::string SsoSessions::clearing_cookie() {
    http::CookieOptions options;
    options.max_age_seconds = 0;
    return http::set_cookie_value(login::session_cookie, "", options);
}

}  // namespace caf::account::session
