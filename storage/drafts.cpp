// Creation drafts over portable SQL.
#include "storage/drafts.hpp"

namespace caf::storage {

void Drafts::save(Connection& c, const std::string& digest, const std::string& payload_sealed, std::int64_t now,
                  std::int64_t expires_at) {
    c.exec("INSERT INTO drafts (digest, payload_sealed, created_at, updated_at, expires_at) VALUES (?, ?, ?, ?, ?)" +
               c.dialect().upsert("digest", {"payload_sealed", "updated_at", "expires_at"}),
           {Blob{digest}, Blob{payload_sealed}, now, now, expires_at});
}

std::optional<Draft> Drafts::find(Connection& c, const std::string& digest, std::int64_t now) {
    auto r = c.query_one("SELECT digest, payload_sealed, created_at, updated_at, expires_at FROM drafts "
                         "WHERE digest = ? AND expires_at > ?",
                         {Blob{digest}, now});
    if (!r) return std::nullopt;
    return Draft{r->blob("digest"), r->blob("payload_sealed"), r->integer("created_at"), r->integer("updated_at"),
                 r->integer("expires_at")};
}

bool Drafts::remove(Connection& c, const std::string& digest) {
    return c.exec("DELETE FROM drafts WHERE digest = ?", {Blob{digest}}) == 1;
}

std::int64_t Drafts::delete_expired(Connection& c, std::int64_t now) {
    return c.exec("DELETE FROM drafts WHERE expires_at <= ?", {now});
}

}  // namespace caf::storage
