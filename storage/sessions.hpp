// SSO sessions, stored by the SHA-256 digest of the cookie value, with the clients that used
// them (for logout everywhere) and the upstream ID token (FranceConnect logout is driven by us).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace caf::storage {

struct Session {
    std::string digest;  // sha256 of the session id
    std::int64_t account_id = 0;
    std::int64_t auth_time = 0;
    std::vector<std::string> amr;  // "pwd", "fc", ...
    std::string acr;
    std::int64_t created_at = 0;
    std::int64_t last_seen_at = 0;
    std::int64_t idle_expires_at = 0;
    std::int64_t absolute_expires_at = 0;
    std::optional<std::string> upstream_provider;
    std::optional<std::string> upstream_id_token;  // raw JWT, for /session/end at the provider
    std::optional<std::int64_t> revoked_at;
};

class Sessions {
public:
    explicit Sessions(Database& db) : db_(db) {}

    void create(Connection& c, const Session& session);
    // Any state, for logout and audit.
    std::optional<Session> find(Connection& c, const std::string& digest);
    // Only a session that is usable at `now`: not revoked, neither timeout reached.
    std::optional<Session> find_active(Connection& c, const std::string& digest, std::int64_t now);
    // Activity: last_seen_at = now and the idle expiry moved (never past the absolute one).
    bool touch(Connection& c, const std::string& digest, std::int64_t now, std::int64_t idle_expires_at);
    bool revoke(Connection& c, const std::string& digest, std::int64_t now);
    std::vector<Session> list_active_of_account(Connection& c, std::int64_t account_id, std::int64_t now);
    // A client received tokens from this session (idempotent).
    void add_client(Connection& c, const std::string& digest, const std::string& client_id, std::int64_t now);
    std::vector<std::string> clients(Connection& c, const std::string& digest);
    // Removes sessions expired or revoked before `now` (and their client lists).
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    void create(const Session& s) {
        db_.transaction([&](Connection& c) { create(c, s); });
    }
    std::optional<Session> find_active(const std::string& digest, std::int64_t now) {
        return db_.read([&](Connection& c) { return find_active(c, digest, now); });
    }
    bool touch(const std::string& digest, std::int64_t now, std::int64_t idle_expires_at) {
        return db_.transaction([&](Connection& c) { return touch(c, digest, now, idle_expires_at); });
    }
    bool revoke(const std::string& digest, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return revoke(c, digest, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
