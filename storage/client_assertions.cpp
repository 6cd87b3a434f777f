// Client assertion jtis over portable SQL.
#include "storage/client_assertions.hpp"

namespace caf::storage {

bool ClientAssertions::remember(Connection& c, const std::string& client_id, const std::string& jti,
                                std::int64_t expires_at, std::int64_t now) {
    c.exec("INSERT INTO client_assertion_jtis (client_id, jti, expires_at, replays) VALUES (?, ?, ?, 0)" +
               c.dialect().insert_or_increment("client_id, jti", "replays"),
           {client_id, jti, expires_at});
    // The row is ours to read until commit (locked by the upsert on MariaDB, by BEGIN IMMEDIATE
    // on SQLite): replays is still 0 only if this statement inserted it.
    auto row = c.query_one("SELECT expires_at, replays FROM client_assertion_jtis WHERE client_id = ? AND jti = ?",
                           {client_id, jti});
    if (!row) throw StoreError(ErrorKind::other, "client_assertion_jtis: the remembered row is missing");
    if (row->integer("replays") == 0) return true;
    if (row->integer("expires_at") > now) return false;
    // An entry left from an assertion that has expired: the jti is free again.
    return c.exec("UPDATE client_assertion_jtis SET expires_at = ?, replays = 0 "
                  "WHERE client_id = ? AND jti = ? AND expires_at <= ?",
                  {expires_at, client_id, jti, now}) == 1;
}

std::int64_t ClientAssertions::delete_expired(Connection& c, std::int64_t now) {
    return c.exec("DELETE FROM client_assertion_jtis WHERE expires_at <= ?", {now});
}

}  // namespace caf::storage
