// The audit log: append-only record of who did what to which account. Details are JSON without
// personal data (account ids, client ids, provider names; never a NIR or contact data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/database.hpp"

namespace caf::storage {

struct NewAuditEntry {
    std::int64_t at = 0;
    std::string actor_type;               // "account", "admin", "system", "client"
    std::optional<std::string> actor_id;  // account id, admin client id, ...
    std::string action;                   // "login.success", "link.created", ...
    std::optional<std::int64_t> account_id;
    nlohmann::json details = nlohmann::json::object();
};

struct AuditEntry : NewAuditEntry {
    std::int64_t id = 0;
};

struct AuditQuery {
    std::optional<std::int64_t> account_id;
    std::optional<std::string> action;
    std::optional<std::string> actor_id;  // the admin API's client_id filter
    std::optional<std::int64_t> from;   // at >= from
    std::optional<std::int64_t> until;  // at < until
    bool newest_first = false;
    // Paging cursor: the id of the last entry of the previous page (entries strictly after it in
    // the listing order).
    std::optional<std::int64_t> after_id;
    int limit = 100;
};

// The SELECT that list() runs for `query`, with its parameters (a test EXPLAINs it to check
// each filter has an index: account_id, action, actor_id, each with id for the paging).
struct AuditSelect {
    std::string sql;
    Params params;
};
AuditSelect audit_select(const AuditQuery& query);

class AuditLog {
public:
    explicit AuditLog(Database& db) : db_(db) {}

    std::int64_t append(Connection& c, const NewAuditEntry& entry);
    std::vector<AuditEntry> list(Connection& c, const AuditQuery& query);
    // Retention: at most `limit` of the oldest entries written before `before`, deleted.
    std::int64_t delete_older(Connection& c, std::int64_t before, int limit);

    std::int64_t append(const NewAuditEntry& entry) {
        return db_.transaction([&](Connection& c) { return append(c, entry); });
    }
    std::vector<AuditEntry> list(const AuditQuery& query) {
        return db_.read([&](Connection& c) { return list(c, query); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
