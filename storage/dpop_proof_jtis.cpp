// DPoP proof jtis over portable SQL.
#include "storage/dpop_proof_jtis.hpp"

#include "storage/error.hpp"

namespace caf::storage {

bool DpopProofJtis::remember(Connection& c, const std::string& proof_digest, std::int64_t expires_at,
                             std::int64_t now) {
    c.exec("INSERT INTO dpop_proof_jtis (digest, expires_at, replays) VALUES (?, ?, 0)" +
               c.dialect().insert_or_increment("digest", "replays"),
           {proof_digest, expires_at});
    // Locked until commit (by the upsert on MariaDB, by BEGIN IMMEDIATE on SQLite): replays is
    // still 0 only if this statement inserted the row.
    auto row = c.query_one("SELECT expires_at, replays FROM dpop_proof_jtis WHERE digest = ?", {proof_digest});
    if (!row) throw StoreError(ErrorKind::other, "dpop_proof_jtis: the remembered row is missing");
    if (row->integer("replays") == 0) return true;
    if (row->integer("expires_at") > now) return false;
    return c.exec("UPDATE dpop_proof_jtis SET expires_at = ?, replays = 0 WHERE digest = ? AND expires_at <= ?",
                  {expires_at, proof_digest, now}) == 1;
}

std::int64_t DpopProofJtis::delete_expired(Connection& c, std::int64_t now) {
    return c.exec("DELETE FROM dpop_proof_jtis WHERE expires_at <= ?", {now});
}

}  // namespace caf::storage
