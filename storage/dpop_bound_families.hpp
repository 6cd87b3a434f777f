// Refresh token families bound to a DPoP key (RFC 9449 §5): a public client's refresh tokens can
// only be used with a proof of the key they were issued to. One row per family, kept until the
// family's absolute expiry; purge_expired (storage/cleanup.hpp) removes it after that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.hpp"

namespace caf::storage {

class DpopBoundFamilies {
public:
    explicit DpopBoundFamilies(Database& db) : db_(db) {}

    // Must run in the transaction that creates the family.
    void bind(Connection& c, const std::string& family_id, const std::string& jkt, std::int64_t expires_at);
    // The key thumbprint the family is bound to; nothing for an unbound family.
    std::optional<std::string> jkt_of(Connection& c, const std::string& family_id);
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    std::optional<std::string> jkt_of(const std::string& family_id) {
        return db_.read([&](Connection& c) { return jkt_of(c, family_id); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
