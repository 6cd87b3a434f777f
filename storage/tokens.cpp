// Refresh tokens, access tokens and consents over portable SQL.
#include "storage/tokens.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace caf::storage {

namespace {

constexpr std::string_view select_refresh =
    "SELECT digest, family_id, client_id, account_id, scope, session_digest, code_digest, created_at, "
    "expires_at, idle_expires_at, rotated_at, revoked_at, auth_time, acr, amr FROM refresh_tokens ";

// amr as a JSON array, as in sessions; NULL when the grant has none.
Value amr_column(const std::vector<std::string>& amr) {
    if (amr.empty()) return nullptr;
    return nlohmann::json(amr).dump();
}

std::vector<std::string> amr_of(const std::optional<std::string>& column) {
    std::vector<std::string> out;
    if (!column) return out;
    auto amr = nlohmann::json::parse(*column, nullptr, false);
    if (!amr.is_array()) return out;
    for (const auto& m : amr)
        if (m.is_string()) out.push_back(m.get<std::string>());
    return out;
}

RefreshToken to_refresh(const Row& r) {
    RefreshToken t;
    t.digest = r.blob("digest");
    t.family_id = r.text("family_id");
    t.client_id = r.text("client_id");
    t.account_id = r.integer("account_id");
    t.scope = r.text("scope");
    t.session_digest = r.optional_blob("session_digest");
    t.code_digest = r.optional_blob("code_digest");
    t.created_at = r.integer("created_at");
    t.expires_at = r.integer("expires_at");
    t.idle_expires_at = r.integer("idle_expires_at");
    t.rotated_at = r.optional_integer("rotated_at");
    t.revoked_at = r.optional_integer("revoked_at");
    t.auth_time = r.optional_integer("auth_time");
    t.acr = r.optional_text("acr");
    t.amr = amr_of(r.optional_text("amr"));
    return t;
}

constexpr std::string_view select_access =
    "SELECT jti, client_id, account_id, scope, issued_at, expires_at, revoked_at, code_digest, family_id, "
    "session_digest FROM access_tokens ";

AccessToken to_access(const Row& r) {
    AccessToken t;
    t.jti = r.text("jti");
    t.client_id = r.text("client_id");
    t.account_id = r.optional_integer("account_id");
    t.scope = r.text("scope");
    t.issued_at = r.integer("issued_at");
    t.expires_at = r.integer("expires_at");
    t.revoked_at = r.optional_integer("revoked_at");
    t.code_digest = r.optional_blob("code_digest");
    t.family_id = r.optional_text("family_id");
    t.session_digest = r.optional_blob("session_digest");
    return t;
}

}  // namespace

// --- refresh tokens ---

void RefreshTokens::create(Connection& c, const RefreshToken& t) {
    c.exec("INSERT INTO refresh_tokens (digest, family_id, client_id, account_id, scope, session_digest, "
           "code_digest, created_at, expires_at, idle_expires_at, rotated_at, revoked_at, auth_time, acr, amr) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {Blob{t.digest}, t.family_id, t.client_id, t.account_id, t.scope, nullable_blob(t.session_digest),
            nullable_blob(t.code_digest), t.created_at, t.expires_at, t.idle_expires_at, nullable(t.rotated_at),
            nullable(t.revoked_at), nullable(t.auth_time), nullable(t.acr), amr_column(t.amr)});
}

std::optional<RefreshToken> RefreshTokens::find(Connection& c, const std::string& digest) {
    auto row = c.query_one(std::string(select_refresh) + "WHERE digest = ?", {Blob{digest}});
    if (!row) return std::nullopt;
    return to_refresh(*row);
}

Rotation RefreshTokens::rotate(Connection& c, const std::string& old_digest, const std::string& new_digest,
                               std::int64_t now, std::int64_t idle_expires_at,
                               const std::optional<std::string>& scope) {
    auto row = c.query_one(std::string(select_refresh) + "WHERE digest = ?" + std::string(c.dialect().for_update()),
                           {Blob{old_digest}});
    if (!row) return {RotationStatus::not_found, std::nullopt};
    RefreshToken old = to_refresh(*row);
    if (old.revoked_at) return {RotationStatus::revoked, old};
    // A spent token presented again: what it means is the token endpoint's decision.
    if (old.rotated_at) return {RotationStatus::reused, old};
    if (old.expires_at <= now || old.idle_expires_at <= now) return {RotationStatus::expired, old};
    if (c.exec("UPDATE refresh_tokens SET rotated_at = ? WHERE digest = ? AND rotated_at IS NULL",
               {now, Blob{old_digest}}) != 1)
        return {RotationStatus::reused, old};
    RefreshToken next = old;
    next.digest = new_digest;
    next.scope = scope.value_or(old.scope);
    next.created_at = now;
    next.idle_expires_at = std::min(idle_expires_at, old.expires_at);
    next.rotated_at.reset();
    next.revoked_at.reset();
    create(c, next);
    return {RotationStatus::rotated, next};
}

bool RefreshTokens::revoke(Connection& c, const std::string& digest, std::int64_t now) {
    return c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL",
                  {now, Blob{digest}}) == 1;
}

std::int64_t RefreshTokens::revoke_family(Connection& c, const std::string& family_id, std::int64_t now) {
    return c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                  {now, family_id});
}

bool RefreshTokens::family_rotated_since(Connection& c, const std::string& family_id, const std::string& digest,
                                         std::int64_t since) {
    auto row = c.query_one(
        "SELECT COUNT(*) FROM refresh_tokens WHERE family_id = ? AND digest <> ? AND created_at >= ? "
        "AND rotated_at IS NOT NULL",
        {family_id, Blob{digest}, since});
    return row && row->integer(0) > 0;
}

std::int64_t RefreshTokens::revoke_all_of_account(Connection& c, std::int64_t account_id, std::int64_t now) {
    return c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                  {now, account_id});
}

std::int64_t RefreshTokens::revoke_all_of_session(Connection& c, const std::string& session_digest,
                                                  std::int64_t now) {
    return c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE session_digest = ? AND revoked_at IS NULL",
                  {now, Blob{session_digest}});
}

std::int64_t RefreshTokens::revoke_issued_from_code(Connection& c, const std::string& code_digest,
                                                    std::int64_t now) {
    return c.exec("UPDATE refresh_tokens SET revoked_at = ? WHERE code_digest = ? AND revoked_at IS NULL",
                  {now, Blob{code_digest}});
}

std::int64_t RefreshTokens::delete_expired(Connection& c, std::int64_t now) {
    return c.exec("DELETE FROM refresh_tokens WHERE expires_at <= ?", {now});
}

// --- access tokens ---

void AccessTokens::record(Connection& c, const AccessToken& t) {
    c.exec("INSERT INTO access_tokens (jti, client_id, account_id, scope, issued_at, expires_at, revoked_at, "
           "code_digest, family_id, session_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {t.jti, t.client_id, nullable(t.account_id), t.scope, t.issued_at, t.expires_at, nullable(t.revoked_at),
            nullable_blob(t.code_digest), nullable(t.family_id), nullable_blob(t.session_digest)});
}

std::optional<AccessToken> AccessTokens::find(Connection& c, const std::string& jti) {
    auto row = c.query_one(std::string(select_access) + "WHERE jti = ?", {jti});
    if (!row) return std::nullopt;
    return to_access(*row);
}

bool AccessTokens::revoke(Connection& c, const std::string& jti, std::int64_t now) {
    return c.exec("UPDATE access_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL", {now, jti}) == 1;
}

std::int64_t AccessTokens::revoke_family(Connection& c, const std::string& family_id, std::int64_t now) {
    return c.exec("UPDATE access_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
                  {now, family_id});
}

std::int64_t AccessTokens::revoke_all_of_account(Connection& c, std::int64_t account_id, std::int64_t now) {
    return c.exec("UPDATE access_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL",
                  {now, account_id});
}

std::int64_t AccessTokens::revoke_all_of_session(Connection& c, const std::string& session_digest,
                                                 std::int64_t now) {
    return c.exec("UPDATE access_tokens SET revoked_at = ? WHERE session_digest = ? AND revoked_at IS NULL",
                  {now, Blob{session_digest}});
}

std::int64_t AccessTokens::revoke_issued_from_code(Connection& c, const std::string& code_digest,
                                                   std::int64_t now) {
    return c.exec("UPDATE access_tokens SET revoked_at = ? WHERE code_digest = ? AND revoked_at IS NULL",
                  {now, Blob{code_digest}});
}

std::int64_t AccessTokens::delete_expired(Connection& c, std::int64_t now) {
    return c.exec("DELETE FROM access_tokens WHERE expires_at <= ?", {now});
}

// --- consents ---

void Consents::grant(Connection& c, const Consent& consent) {
    c.exec("INSERT INTO consents (account_id, client_id, scope, granted_at) VALUES (?, ?, ?, ?)" +
               c.dialect().upsert("account_id, client_id", {"scope", "granted_at"}),
           {consent.account_id, consent.client_id, consent.scope, consent.granted_at});
}

std::optional<Consent> Consents::find(Connection& c, std::int64_t account_id, const std::string& client_id) {
    auto row = c.query_one("SELECT account_id, client_id, scope, granted_at FROM consents "
                           "WHERE account_id = ? AND client_id = ?",
                           {account_id, client_id});
    if (!row) return std::nullopt;
    return Consent{row->integer("account_id"), row->text("client_id"), row->text("scope"),
                   row->integer("granted_at")};
}

std::vector<Consent> Consents::list_of_account(Connection& c, std::int64_t account_id) {
    std::vector<Consent> out;
    for (const auto& r : c.query("SELECT account_id, client_id, scope, granted_at FROM consents "
                                 "WHERE account_id = ? ORDER BY client_id",
                                 {account_id})) {
        out.push_back({r.integer("account_id"), r.text("client_id"), r.text("scope"), r.integer("granted_at")});
    }
    return out;
}

bool Consents::revoke(Connection& c, std::int64_t account_id, const std::string& client_id) {
    return c.exec("DELETE FROM consents WHERE account_id = ? AND client_id = ?", {account_id, client_id}) == 1;
}

}  // namespace caf::storage
