// Authorization codes: short-lived, single use, stored by digest. A second redemption is told
// apart (replayed) so the caller can revoke what the first one issued (RFC 6749 §4.1.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/database.hpp"

namespace caf::storage {

struct AuthorizationCode {
    std::string digest;
    std::string client_id;
    std::int64_t account_id = 0;
    std::optional<std::string> session_digest;
    nlohmann::json payload;  // redirect_uri, scope, nonce, PKCE challenge, auth_time, acr, amr...
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
    std::optional<std::int64_t> consumed_at;
};

enum class CodeStatus {
    redeemed,  // first use, within its lifetime: issue tokens
    replayed,  // already used: refuse and revoke what was issued from it
    expired,   // never used but too late: refuse
};

struct CodeRedemption {
    CodeStatus status;
    AuthorizationCode code;
};

class AuthorizationCodes {
public:
    explicit AuthorizationCodes(Database& db) : db_(db) {}

    void create(Connection& c, const AuthorizationCode& code);
    // Atomic single use; nullopt for an unknown code. Must run in a write transaction.
    std::optional<CodeRedemption> consume(Connection& c, const std::string& digest, std::int64_t now);
    std::int64_t delete_expired(Connection& c, std::int64_t before);

    void create(const AuthorizationCode& code) {
        db_.transaction([&](Connection& c) { create(c, code); });
    }
    std::optional<CodeRedemption> consume(const std::string& digest, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return consume(c, digest, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
