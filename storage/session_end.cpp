// end_session: one transaction's worth of updates over sessions, access_tokens and refresh_tokens.
#include "storage/session_end.hpp"

#include <string_view>

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

}  // namespace

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
    return out;
}

}  // namespace caf::storage
