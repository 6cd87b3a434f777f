// Audit log append and filtered, paged listing.
#include "storage/audit_log.hpp"

#include <algorithm>

namespace caf::storage {

std::int64_t AuditLog::append(Connection& c, const NewAuditEntry& e) {
    c.exec("INSERT INTO audit_log (at, actor_type, actor_id, action, account_id, details) "
           "VALUES (?, ?, ?, ?, ?, ?)",
           {e.at, e.actor_type, nullable(e.actor_id), e.action, nullable(e.account_id), e.details.dump()});
    return c.last_insert_id();
}

AuditSelect audit_select(const AuditQuery& q) {
    std::string sql = "SELECT id, at, actor_type, actor_id, action, account_id, details FROM audit_log WHERE 1 = 1";
    Params params;
    if (q.account_id) {
        sql += " AND account_id = ?";
        params.emplace_back(*q.account_id);
    }
    if (q.action) {
        sql += " AND action = ?";
        params.emplace_back(*q.action);
    }
    if (q.actor_id) {
        sql += " AND actor_id = ?";
        params.emplace_back(*q.actor_id);
    }
    if (q.from) {
        sql += " AND at >= ?";
        params.emplace_back(*q.from);
    }
    if (q.until) {
        sql += " AND at < ?";
        params.emplace_back(*q.until);
    }
    if (q.after_id) {
        sql += q.newest_first ? " AND id < ?" : " AND id > ?";
        params.emplace_back(*q.after_id);
    }
    sql += q.newest_first ? " ORDER BY id DESC" : " ORDER BY id";
    sql += " LIMIT ?";
    params.emplace_back(std::int64_t{std::clamp(q.limit, 1, 1000)});
    return {std::move(sql), std::move(params)};
}

std::vector<AuditEntry> AuditLog::list(Connection& c, const AuditQuery& q) {
    const auto select = audit_select(q);
    std::vector<AuditEntry> out;
    for (const auto& r : c.query(select.sql, select.params)) {
        AuditEntry e;
        e.id = r.integer("id");
        e.at = r.integer("at");
        e.actor_type = r.text("actor_type");
        e.actor_id = r.optional_text("actor_id");
        e.action = r.text("action");
        e.account_id = r.optional_integer("account_id");
        e.details = nlohmann::json::parse(r.text("details"), nullptr, false);
        out.push_back(std::move(e));
    }
    return out;
}

std::int64_t AuditLog::delete_older(Connection& c, std::int64_t before, int limit) {
    // The batch's last id, then one range delete: portable (MariaDB has no LIMIT in an IN
    // subquery, SQLite no LIMIT on DELETE) and an index range on both.
    auto rows = c.query("SELECT id FROM audit_log WHERE at < ? ORDER BY id LIMIT ?", {before, std::int64_t{limit}});
    if (rows.empty()) return 0;
    return c.exec("DELETE FROM audit_log WHERE id <= ? AND at < ?", {rows.back().integer("id"), before});
}

}  // namespace caf::storage
