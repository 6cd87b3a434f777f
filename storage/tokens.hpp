// What the token endpoint issues: refresh tokens (opaque, rotated, grouped in families for reuse
// detection), access tokens by jti (introspection, revocation) and consents.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace caf::storage {

struct RefreshToken {
    std::string digest;
    std::string family_id;  // every rotation of one grant shares it
    std::string client_id;
    std::int64_t account_id = 0;
    std::string scope;
    std::optional<std::string> session_digest;
    std::optional<std::string> code_digest;  // the authorization code the family came from
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;       // absolute, for the whole family
    std::int64_t idle_expires_at = 0;  // this token unused for too long
    std::optional<std::int64_t> rotated_at;
    std::optional<std::int64_t> revoked_at;
    // How the person authenticated for the grant, kept by every rotation: an offline_access
    // family outlives its SSO session and its ID tokens still carry them. Absent on tokens
    // issued before migration 6.
    std::optional<std::int64_t> auth_time;
    std::optional<std::string> acr;
    std::vector<std::string> amr;
};

enum class RotationStatus {
    rotated,    // the new token is stored; the old one is spent
    reused,     // the old token had already been rotated (the caller decides what that means)
    revoked,
    expired,
    not_found,
};

struct Rotation {
    RotationStatus status;
    std::optional<RefreshToken> token;  // the new token when rotated, else the old one (if known)
};

class RefreshTokens {
public:
    explicit RefreshTokens(Database& db) : db_(db) {}

    void create(Connection& c, const RefreshToken& token);
    std::optional<RefreshToken> find(Connection& c, const std::string& digest);
    // Atomic: spends `old_digest` and stores `new_digest` in the same family, with the family's
    // absolute expiry, the new idle expiry (capped by the absolute one), `scope` (defaults to
    // the old scope) and the old token's auth_time, acr and amr. Must run in a write transaction.
    Rotation rotate(Connection& c, const std::string& old_digest, const std::string& new_digest,
                    std::int64_t now, std::int64_t idle_expires_at,
                    const std::optional<std::string>& scope = std::nullopt);
    bool revoke(Connection& c, const std::string& digest, std::int64_t now);
    std::int64_t revoke_family(Connection& c, const std::string& family_id, std::int64_t now);
    // True when another token of the family than `digest`, issued at or after `since`, has itself
    // been rotated: the successor of a token rotated at `since` was used, so presenting that token
    // again is theft, not a client retrying a lost response.
    bool family_rotated_since(Connection& c, const std::string& family_id, const std::string& digest,
                              std::int64_t since);
    std::int64_t revoke_all_of_account(Connection& c, std::int64_t account_id, std::int64_t now);
    std::int64_t revoke_all_of_session(Connection& c, const std::string& session_digest, std::int64_t now);
    std::int64_t revoke_issued_from_code(Connection& c, const std::string& code_digest, std::int64_t now);
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    void create(const RefreshToken& t) {
        db_.transaction([&](Connection& c) { create(c, t); });
    }
    std::optional<RefreshToken> find(const std::string& digest) {
        return db_.read([&](Connection& c) { return find(c, digest); });
    }
    Rotation rotate(const std::string& old_digest, const std::string& new_digest, std::int64_t now,
                    std::int64_t idle_expires_at, const std::optional<std::string>& scope = std::nullopt) {
        return db_.transaction(
            [&](Connection& c) { return rotate(c, old_digest, new_digest, now, idle_expires_at, scope); });
    }
    std::int64_t revoke_family(const std::string& family_id, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return revoke_family(c, family_id, now); });
    }

private:
    Database& db_;
};

struct AccessToken {
    std::string jti;
    std::string client_id;
    std::optional<std::int64_t> account_id;  // none for client_credentials
    std::string scope;
    std::int64_t issued_at = 0;
    std::int64_t expires_at = 0;
    std::optional<std::int64_t> revoked_at;
    std::optional<std::string> code_digest;
    std::optional<std::string> family_id;
    std::optional<std::string> session_digest;
};

class AccessTokens {
public:
    explicit AccessTokens(Database& db) : db_(db) {}

    void record(Connection& c, const AccessToken& token);
    std::optional<AccessToken> find(Connection& c, const std::string& jti);
    bool revoke(Connection& c, const std::string& jti, std::int64_t now);
    std::int64_t revoke_family(Connection& c, const std::string& family_id, std::int64_t now);
    std::int64_t revoke_all_of_account(Connection& c, std::int64_t account_id, std::int64_t now);
    std::int64_t revoke_all_of_session(Connection& c, const std::string& session_digest, std::int64_t now);
    std::int64_t revoke_issued_from_code(Connection& c, const std::string& code_digest, std::int64_t now);
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    void record(const AccessToken& t) {
        db_.transaction([&](Connection& c) { record(c, t); });
    }
    std::optional<AccessToken> find(const std::string& jti) {
        return db_.read([&](Connection& c) { return find(c, jti); });
    }
    bool revoke(const std::string& jti, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return revoke(c, jti, now); });
    }

private:
    Database& db_;
};

struct Consent {
    std::int64_t account_id = 0;
    std::string client_id;
    std::string scope;  // space-separated, as granted
    std::int64_t granted_at = 0;
};

class Consents {
public:
    explicit Consents(Database& db) : db_(db) {}

    // Replaces any earlier consent of the account for the client.
    void grant(Connection& c, const Consent& consent);
    std::optional<Consent> find(Connection& c, std::int64_t account_id, const std::string& client_id);
    std::vector<Consent> list_of_account(Connection& c, std::int64_t account_id);
    bool revoke(Connection& c, std::int64_t account_id, const std::string& client_id);

    void grant(const Consent& consent) {
        db_.transaction([&](Connection& c) { grant(c, consent); });
    }
    std::optional<Consent> find(std::int64_t account_id, const std::string& client_id) {
        return db_.read([&](Connection& c) { return find(c, account_id, client_id); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
