// The drafts rows and cookies behind BrowserBoundStore.
#include "storage/browser_bound_store.hpp"

#include "storage/drafts.hpp"

namespace caf::storage::browser_rows {

std::optional<std::string> cookie_id(const http::Request& request, std::string_view cookie) {
    auto id = request.cookie(cookie);
    if (!id || id->size() < 20 || id->size() > 128) return std::nullopt;
    return id;
}

std::optional<std::string> find(Database& db, std::string_view name, std::string_view id, TimePoint now) {
    return db.read([&](Connection& c) { return find(c, db, name, id, now); });
}

std::optional<std::string> find(Connection& c, Database& db, std::string_view name, std::string_view id,
                                TimePoint now) {
    auto row = Drafts(db).find(c, browser_seal::storage_key(name, id), to_unix_seconds(now));
    if (!row) return std::nullopt;
    return std::move(row->payload_sealed);
}

void save(Connection& c, Database& db, std::string_view name, std::string_view id, const std::string& sealed,
          TimePoint now, std::int64_t expires_at) {
    Drafts(db).save(c, browser_seal::storage_key(name, id), sealed, to_unix_seconds(now), expires_at);
}

bool remove(Connection& c, Database& db, std::string_view name, std::string_view id) {
    return Drafts(db).remove(c, browser_seal::storage_key(name, id));
}

std::string set_cookie(const BrowserBoundKind& kind, std::string_view id, std::optional<std::int64_t> max_age) {
    http::CookieOptions options;
    options.max_age_seconds = max_age;
    return http::set_cookie_value(kind.cookie, id, options);
}

}  // namespace caf::storage::browser_rows
