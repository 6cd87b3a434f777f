// SSO sessions over portable SQL; amr is kept as a JSON array.
#include "storage/sessions.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace caf::storage {

namespace {

constexpr std::string_view select_session =
    "SELECT digest, account_id, auth_time, amr, acr, created_at, last_seen_at, idle_expires_at, "
    "absolute_expires_at, upstream_provider, upstream_id_token, revoked_at FROM sessions ";

Session to_session(const Row& r) {
    Session s;
    s.digest = r.blob("digest");
    s.account_id = r.integer("account_id");
    s.auth_time = r.integer("auth_time");
    auto amr = nlohmann::json::parse(r.text("amr"), nullptr, false);
    if (amr.is_array()) {
        for (const auto& m : amr) {
            if (m.is_string()) s.amr.push_back(m.get<std::string>());
        }
    }
    s.acr = r.text("acr");
    s.created_at = r.integer("created_at");
    s.last_seen_at = r.integer("last_seen_at");
    s.idle_expires_at = r.integer("idle_expires_at");
    s.absolute_expires_at = r.integer("absolute_expires_at");
    s.upstream_provider = r.optional_text("upstream_provider");
    s.upstream_id_token = r.optional_text("upstream_id_token");
    s.revoked_at = r.optional_integer("revoked_at");
    return s;
}

}  // namespace

void Sessions::create(Connection& c, const Session& s) {
    c.exec("INSERT INTO sessions (digest, account_id, auth_time, amr, acr, created_at, last_seen_at, "
           "idle_expires_at, absolute_expires_at, upstream_provider, upstream_id_token, revoked_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {Blob{s.digest}, s.account_id, s.auth_time, nlohmann::json(s.amr).dump(), s.acr, s.created_at,
            s.last_seen_at, s.idle_expires_at, s.absolute_expires_at, nullable(s.upstream_provider),
            nullable(s.upstream_id_token), nullable(s.revoked_at)});
}

std::optional<Session> Sessions::find(Connection& c, const std::string& digest) {
    auto row = c.query_one(std::string(select_session) + "WHERE digest = ?", {Blob{digest}});
    if (!row) return std::nullopt;
    return to_session(*row);
}

std::optional<Session> Sessions::find_active(Connection& c, const std::string& digest, std::int64_t now) {
    auto row = c.query_one(std::string(select_session) +
                               "WHERE digest = ? AND revoked_at IS NULL AND idle_expires_at > ? "
                               "AND absolute_expires_at > ?",
                           {Blob{digest}, now, now});
    if (!row) return std::nullopt;
    return to_session(*row);
}

bool Sessions::touch(Connection& c, const std::string& digest, std::int64_t now, std::int64_t idle_expires_at) {
    // The idle expiry never goes past the absolute one: clamp in SQL so no read is needed.
    return c.exec("UPDATE sessions SET last_seen_at = ?, idle_expires_at = CASE WHEN ? < absolute_expires_at "
                  "THEN ? ELSE absolute_expires_at END WHERE digest = ? AND revoked_at IS NULL "
                  "AND idle_expires_at > ? AND absolute_expires_at > ?",
                  {now, idle_expires_at, idle_expires_at, Blob{digest}, now, now}) == 1;
}

bool Sessions::revoke(Connection& c, const std::string& digest, std::int64_t now) {
    return c.exec("UPDATE sessions SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL",
                  {now, Blob{digest}}) == 1;
}

std::vector<Session> Sessions::list_active_of_account(Connection& c, std::int64_t account_id, std::int64_t now) {
    std::vector<Session> out;
    for (const auto& row : c.query(std::string(select_session) +
                                       "WHERE account_id = ? AND revoked_at IS NULL AND idle_expires_at > ? "
                                       "AND absolute_expires_at > ? ORDER BY created_at, digest",
                                   {account_id, now, now})) {
        out.push_back(to_session(row));
    }
    return out;
}

void Sessions::add_client(Connection& c, const std::string& digest, const std::string& client_id,
                          std::int64_t now) {
    c.exec("INSERT INTO session_clients (session_digest, client_id, first_seen_at) VALUES (?, ?, ?)" +
               c.dialect().insert_or_ignore("session_digest, client_id", "first_seen_at"),
           {Blob{digest}, client_id, now});
}

std::vector<std::string> Sessions::clients(Connection& c, const std::string& digest) {
    std::vector<std::string> out;
    for (const auto& row : c.query("SELECT client_id FROM session_clients WHERE session_digest = ? "
                                   "ORDER BY first_seen_at, client_id",
                                   {Blob{digest}})) {
        out.push_back(row.text(0));
    }
    return out;
}

std::int64_t Sessions::delete_expired(Connection& c, std::int64_t now) {
    // session_clients rows go with ON DELETE CASCADE.
    return c.exec("DELETE FROM sessions WHERE absolute_expires_at <= ? OR idle_expires_at <= ? "
                  "OR revoked_at IS NOT NULL AND revoked_at <= ?",
                  {now, now, now});
}

}  // namespace caf::storage
