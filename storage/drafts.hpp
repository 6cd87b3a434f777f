// Drafts of the account-creation wizard: sealed, short-lived, keyed by the digest of the draft id.
// Nothing becomes an account until the wizard ends; an abandoned draft just expires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.hpp"

namespace caf::storage {

struct Draft {
    std::string digest;
    std::string payload_sealed;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::int64_t expires_at = 0;
};

class Drafts {
public:
    explicit Drafts(Database& db) : db_(db) {}

    // Creates or replaces (keeps created_at).
    void save(Connection& c, const std::string& digest, const std::string& payload_sealed, std::int64_t now,
              std::int64_t expires_at);
    std::optional<Draft> find(Connection& c, const std::string& digest, std::int64_t now);
    bool remove(Connection& c, const std::string& digest);
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    void save(const std::string& digest, const std::string& payload, std::int64_t now, std::int64_t expires_at) {
        db_.transaction([&](Connection& c) { save(c, digest, payload, now, expires_at); });
    }
    std::optional<Draft> find(const std::string& digest, std::int64_t now) {
        return db_.read([&](Connection& c) { return find(c, digest, now); });
    }
    bool remove(const std::string& digest) {
        return db_.transaction([&](Connection& c) { return remove(c, digest); });
    }
    std::int64_t delete_expired(std::int64_t now) {
        return db_.transaction([&](Connection& c) { return delete_expired(c, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
