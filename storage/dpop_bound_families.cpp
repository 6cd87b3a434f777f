// DPoP-bound refresh token families over portable SQL.
#include "storage/dpop_bound_families.hpp"

namespace caf::storage {

void DpopBoundFamilies::bind(Connection& c, const std::string& family_id, const std::string& jkt,
                             std::int64_t expires_at) {
    c.exec("INSERT INTO dpop_bound_families (family_id, jkt, expires_at) VALUES (?, ?, ?)",
           {family_id, jkt, expires_at});
}

std::optional<std::string> DpopBoundFamilies::jkt_of(Connection& c, const std::string& family_id) {
    auto row = c.query_one("SELECT jkt FROM dpop_bound_families WHERE family_id = ?", {family_id});
    if (!row) return std::nullopt;
    return row->text("jkt");
}

std::int64_t DpopBoundFamilies::delete_expired(Connection& c, std::int64_t now) {
    return c.exec("DELETE FROM dpop_bound_families WHERE expires_at <= ?", {now});
}

}  // namespace caf::storage
