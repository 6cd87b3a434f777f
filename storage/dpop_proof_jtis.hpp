// The DPoP proofs accepted (RFC 9449 §11.1), shared by every node: each proof, identified by a
// digest of its key thumbprint, htu and jti, is accepted once wherever it is presented. An entry
// lives until the end of its proof's iat window; purge_expired (storage/cleanup.hpp) removes it.
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.hpp"

namespace caf::storage {

class DpopProofJtis {
public:
    explicit DpopProofJtis(Database& db) : db_(db) {}

    // True the first time `proof_digest` is presented while unexpired, false for a replay. The
    // insert is the check: a conflict on the primary key marks the row, read back under its
    // lock, so two transactions presenting the same proof at once (two nodes) get exactly one
    // true. An entry that expired before `now` is accepted again. Must run in a write transaction.
    bool remember(Connection& c, const std::string& proof_digest, std::int64_t expires_at, std::int64_t now);
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    bool remember(const std::string& proof_digest, std::int64_t expires_at, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return remember(c, proof_digest, expires_at, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
