// end_session: one transaction's worth of updates over sessions, access_tokens and refresh_tokens.
#include "storage/session_end.hpp"

#include <string_view>

#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "storage/notifications.hpp"

namespace caf::storage {
namespace {

// Whether a space-separated scope holds `word` as a whole scope value.
bool scope_contains(std::string_view scope, std::string_view word) {
    std::size_t start = 0;
    while (start <= scope.size()) {
        auto end = scope.find(' ', start);
        if (end == std::string_view::npos) end = scope.size();
        if (scope.substr(start, end - start) == word) return true;
        start = end + 1;
    }
    return false;
}

// One queued logout per client of the session, in the caller's transaction.
std::int64_t queue_logouts(Connection& c, const std::string& session_digest, std::int64_t now) {
    auto session = c.query_one("SELECT account_id FROM sessions WHERE digest = ?", {Blob{session_digest}});
    if (!session) return 0;
    const auto payload = encode_queued_logout(session->integer("account_id"), session_digest);
    std::int64_t queued = 0;
    for (const auto& row : c.query("SELECT client_id FROM session_clients WHERE session_digest = ? ORDER BY client_id",
                                   {Blob{session_digest}})) {
        Notifications::enqueue(c,
                               {std::string(backchannel_logout_channel), row.text("client_id"),
                                std::string(backchannel_logout_template), payload},
                               now);
        ++queued;
    }
    return queued;
}

}  // namespace

std::string encode_queued_logout(std::int64_t account_id, const std::string& session_digest) {
    return nlohmann::json{{"account_id", account_id}, {"session", crypto::hex_encode(session_digest)}}.dump();
}

std::optional<QueuedLogout> decode_queued_logout(const std::string& client_id, const std::string& payload) {
    const auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object() || !j.contains("account_id") || !j["account_id"].is_number_integer() || !j.contains("session") ||
        !j["session"].is_string())
        return std::nullopt;
    auto digest = crypto::hex_decode(j["session"].get<std::string>());
    if (!digest || client_id.empty()) return std::nullopt;
    return QueuedLogout{client_id, j["account_id"].get<std::int64_t>(), std::move(*digest)};
}

SessionEnd end_session(Connection& c, const std::string& session_digest, std::int64_t now) {
    SessionEnd out;
    out.session_revoked = c.exec("UPDATE sessions SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL",
                                 {now, Blob{session_digest}}) == 1;
    out.access_tokens_revoked =
        c.exec("UPDATE access_tokens SET revoked_at = ? WHERE session_digest = ? AND revoked_at IS NULL",
               {now, Blob{session_digest}});
    // The whole-word test is done here, not in SQL: the portable LIKE would need the scope padded
    // with spaces, and SQLite (||) and MariaDB (CONCAT) disagree on concatenation. The rows are
    // locked (MariaDB) so a concurrent rotation waits for this transaction; a session has few.
    auto rows = c.query("SELECT digest, scope FROM refresh_tokens WHERE session_digest = ? AND revoked_at IS NULL" +
                            std::string(c.dialect().for_update()),
                        {Blob{session_digest}});
    for (const auto& row : rows) {
        if (scope_contains(row.text("scope"), "offline_access")) continue;
        out.refresh_tokens_revoked +=
            c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL",
                   {now, Blob{row.blob("digest")}});
    }
    if (out.session_revoked) out.logouts_queued = queue_logouts(c, session_digest, now);
    return out;
}

AccountSessionsEnd end_sessions_of_account(Connection& c, std::int64_t account_id, std::int64_t now,
                                           const std::optional<std::string>& except_digest) {
    AccountSessionsEnd total;
    const auto active = c.query("SELECT digest FROM sessions WHERE account_id = ? AND revoked_at IS NULL "
                                "AND idle_expires_at > ? AND absolute_expires_at > ?",
                                {account_id, now, now});
    for (const auto& row : active) {
        const auto digest = row.blob("digest");
        if (except_digest && digest == *except_digest) continue;
        const auto ended = end_session(c, digest, now);
        total.sessions_revoked += ended.session_revoked ? 1 : 0;
        total.logouts_queued += ended.logouts_queued;
    }
    // The expired ones: marked revoked, nothing sent.
    if (!except_digest)
        total.sessions_revoked +=
            c.exec("UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL", {now, account_id});
    return total;
}

}  // namespace caf::storage
