// The jti of every private_key_jwt client assertion accepted, shared by every node, so each
// assertion is accepted once (RFC 7523 §3 item 7) wherever it is presented. An entry lives until
// the assertion expires; purge_expired (storage/cleanup.hpp) removes it after that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/database.hpp"

namespace caf::storage {

class ClientAssertions {
public:
    // The longest client_id and jti the table holds ({str} columns); check before remember().
    static constexpr std::size_t max_length = 255;

    explicit ClientAssertions(Database& db) : db_(db) {}

    // True the first time (client_id, jti) is presented while unexpired, false for a replay.
    // One upsert, then the row it locked is read back: two transactions presenting the same jti
    // at once (two nodes) get exactly one true. A jti whose entry expired before `now` is
    // accepted again, with the new expiry. Must run in a write transaction.
    bool remember(Connection& c, const std::string& client_id, const std::string& jti, std::int64_t expires_at,
                  std::int64_t now);
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    bool remember(const std::string& client_id, const std::string& jti, std::int64_t expires_at, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return remember(c, client_id, jti, expires_at, now); });
    }
    std::int64_t delete_expired(std::int64_t now) {
        return db_.transaction([&](Connection& c) { return delete_expired(c, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
