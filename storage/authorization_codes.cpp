// Authorization codes: a locked read, then a conditional update, inside the caller's transaction.
#include "storage/authorization_codes.hpp"

namespace caf::storage {

void AuthorizationCodes::create(Connection& c, const AuthorizationCode& code) {
    c.exec("INSERT INTO authorization_codes (digest, client_id, account_id, session_digest, payload, "
           "created_at, expires_at, consumed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           {Blob{code.digest}, code.client_id, code.account_id, nullable_blob(code.session_digest),
            code.payload.dump(), code.created_at, code.expires_at, nullable(code.consumed_at)});
}

std::optional<CodeRedemption> AuthorizationCodes::consume(Connection& c, const std::string& digest,
                                                          std::int64_t now) {
    auto row = c.query_one(std::string("SELECT digest, client_id, account_id, session_digest, payload, "
                                       "created_at, expires_at, consumed_at FROM authorization_codes "
                                       "WHERE digest = ?") +
                               std::string(c.dialect().for_update()),
                           {Blob{digest}});
    if (!row) return std::nullopt;
    AuthorizationCode code;
    code.digest = row->blob("digest");
    code.client_id = row->text("client_id");
    code.account_id = row->integer("account_id");
    code.session_digest = row->optional_blob("session_digest");
    code.payload = nlohmann::json::parse(row->text("payload"), nullptr, false);
    code.created_at = row->integer("created_at");
    code.expires_at = row->integer("expires_at");
    code.consumed_at = row->optional_integer("consumed_at");
    if (code.consumed_at) return CodeRedemption{CodeStatus::replayed, std::move(code)};
    if (code.expires_at <= now) return CodeRedemption{CodeStatus::expired, std::move(code)};
    // The row is locked (or the SQLite write lock held), but the condition keeps the update
    // single-use even if a caller forgot the transaction.
    if (c.exec("UPDATE authorization_codes SET consumed_at = ? WHERE digest = ? AND consumed_at IS NULL",
               {now, Blob{digest}}) != 1) {
        return CodeRedemption{CodeStatus::replayed, std::move(code)};
    }
    code.consumed_at = now;
    return CodeRedemption{CodeStatus::redeemed, std::move(code)};
}

std::int64_t AuthorizationCodes::delete_expired(Connection& c, std::int64_t before) {
    // Kept a while after expiry so a late replay is still recognised as one; `before` says how long.
    return c.exec("DELETE FROM authorization_codes WHERE expires_at <= ?", {before});
}

}  // namespace caf::storage
