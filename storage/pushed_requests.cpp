// Pushed authorization requests over portable SQL; the parameters are JSON text.
#include "storage/pushed_requests.hpp"

namespace caf::storage {

void PushedRequests::create(Connection& c, const PushedRequest& r) {
    c.exec("INSERT INTO pushed_authorization_requests (digest, client_id, params, expires_at) VALUES (?, ?, ?, ?)",
           {Blob{r.digest}, r.client_id, r.params.dump(), r.expires_at});
}

std::optional<PushedRequest> PushedRequests::consume(Connection& c, const std::string& digest,
                                                     const std::string& client_id, std::int64_t now) {
    auto row = c.query_one("SELECT params, expires_at FROM pushed_authorization_requests "
                           "WHERE digest = ? AND client_id = ? AND expires_at > ?" +
                               std::string(c.dialect().for_update()),
                           {Blob{digest}, client_id, now});
    if (!row) return std::nullopt;
    // The conditional DELETE is the single-use guarantee: a concurrent consumer that read the row
    // too waits for its lock, then deletes nothing.
    if (c.exec("DELETE FROM pushed_authorization_requests WHERE digest = ? AND client_id = ? AND expires_at > ?",
               {Blob{digest}, client_id, now}) != 1)
        return std::nullopt;
    PushedRequest r;
    r.digest = digest;
    r.client_id = client_id;
    r.params = nlohmann::json::parse(row->text("params"), nullptr, false);
    r.expires_at = row->integer("expires_at");
    return r;
}

std::int64_t PushedRequests::delete_expired(Connection& c, std::int64_t now) {
    return c.exec("DELETE FROM pushed_authorization_requests WHERE expires_at <= ?", {now});
}

}  // namespace caf::storage
