// The migration runner: renders the DDL for the backend and applies missing versions under a lock
// (SQLite's exclusive transaction, or a replicated lock row on MariaDB/Galera).
#include "storage/migrations.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <thread>
#include <utility>

namespace caf::storage {

std::string render_ddl(std::string_view ddl, const Dialect& dialect) {
    const bool sqlite = dialect.kind() == Dialect::Kind::sqlite;
    static const std::pair<std::string_view, std::pair<std::string_view, std::string_view>> types[] = {
        {"{id}", {"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"}},
        {"{int}", {"INTEGER", "BIGINT"}},
        {"{key}", {"BLOB", "VARBINARY(255)"}},
        {"{blob}", {"BLOB", "LONGBLOB"}},
        {"{str}", {"TEXT", "VARCHAR(255)"}},
        {"{text}", {"TEXT", "MEDIUMTEXT"}},
        // Binary collation: keys and client ids compare byte for byte, as on SQLite.
        {"{table}", {"", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"}},
        // ADD COLUMN / CREATE INDEX guard: MariaDB commits DDL one statement at a time, so a run cut
        // half-way must be able to add the rest; SQLite applies a migration atomically.
        {"{if_not_exists}", {"", "IF NOT EXISTS "}},
    };
    std::string out;
    out.reserve(ddl.size() + 64);
    std::size_t i = 0;
    while (i < ddl.size()) {
        bool replaced = false;
        if (ddl[i] == '{') {
            for (const auto& [placeholder, rendering] : types) {
                if (ddl.substr(i, placeholder.size()) == placeholder) {
                    out += sqlite ? rendering.first : rendering.second;
                    i += placeholder.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out += ddl[i++];
    }
    return out;
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::vector<std::string> render_statements(std::string_view ddl, const Dialect& dialect) {
    const std::string rendered = render_ddl(ddl, dialect);
    constexpr std::string_view create_table = "CREATE TABLE IF NOT EXISTS ";
    if (dialect.kind() != Dialect::Kind::sqlite || !std::string_view(rendered).starts_with(create_table)) {
        return {rendered};
    }
    const std::string_view view(rendered);
    const auto name_end = view.find_first_of(" (", create_table.size());
    const std::string table(view.substr(create_table.size(), name_end - create_table.size()));
    std::vector<std::string> lines;
    std::vector<std::string> indexes;
    std::size_t start = 0;
    while (start <= view.size()) {
        auto end = view.find('\n', start);
        if (end == std::string_view::npos) end = view.size();
        std::string_view line = view.substr(start, end - start);
        std::string_view content = trim(line);
        if (content.starts_with("INDEX ")) {
            if (content.ends_with(',')) content.remove_suffix(1);
            content.remove_prefix(6);
            const auto paren = content.find('(');
            indexes.push_back("CREATE INDEX IF NOT EXISTS " + std::string(trim(content.substr(0, paren))) + " ON " +
                              table + " " + std::string(content.substr(paren)));
        } else {
            lines.emplace_back(line);
        }
        start = end + 1;
    }
    // The last column or constraint before ")" must not keep the comma of a removed index.
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (trim(lines[i]).starts_with(")")) {
            auto& previous = lines[i - 1];
            while (!previous.empty() && (previous.back() == ',' || previous.back() == ' ')) previous.pop_back();
        }
    }
    std::string table_sql;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i) table_sql += '\n';
        table_sql += lines[i];
    }
    std::vector<std::string> out{table_sql};
    out.insert(out.end(), indexes.begin(), indexes.end());
    return out;
}

namespace {

constexpr std::string_view bookkeeping_ddl = R"(CREATE TABLE IF NOT EXISTS schema_migrations (
    version {int} NOT NULL PRIMARY KEY,
    name {str} NOT NULL
){table})";

std::set<int> read_versions(Connection& c) {
    std::set<int> versions;
    for (const auto& row : c.query("SELECT version FROM schema_migrations")) {
        versions.insert(static_cast<int>(row.integer(0)));
    }
    return versions;
}

void apply_one(Connection& c, const Migration& m) {
    for (auto statement : m.statements) {
        for (const auto& sql : render_statements(statement, c.dialect())) c.exec(sql);
    }
    c.exec("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
           {std::int64_t{m.version}, std::string(m.name)});
}

// Applies the missing migrations on `c` (SQLite, inside its exclusive transaction).
std::vector<int> apply_missing(Connection& c) {
    c.exec(render_ddl(bookkeeping_ddl, c.dialect()));
    const auto done = read_versions(c);
    std::vector<int> applied;
    for (const auto& m : migrations()) {
        if (done.contains(m.version)) continue;
        apply_one(c, m);
        applied.push_back(m.version);
    }
    return applied;
}

}  // namespace

namespace {

// Galera does not share GET_LOCK between nodes, but it replicates rows: the lock is row id 1 of
// this table, claimed by a committed INSERT. A second node's INSERT fails (duplicate key, or a
// certification conflict when both commit at once) and it waits. The table is created before
// the lock is taken: DDL runs in total order on Galera, so every node sees it.
constexpr std::string_view lock_ddl = R"(CREATE TABLE IF NOT EXISTS schema_migration_lock (
    id {int} NOT NULL PRIMARY KEY,
    owner {str} NOT NULL,
    taken_at {int} NOT NULL
){table})";

// host:pid, plus a counter so two Database objects of one process (tests) are two owners.
std::string lock_owner() {
    static std::atomic<int> counter{0};
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown");
    return std::string(host) + ":" + std::to_string(::getpid()) + "#" + std::to_string(++counter);
}

struct LockHolder {
    std::string owner;
    std::int64_t age_seconds = 0;
};

std::optional<LockHolder> lock_holder(Database& db) {
    return db.read([](Connection& c) -> std::optional<LockHolder> {
        auto row = c.query_one(
            "SELECT owner, CAST(UNIX_TIMESTAMP() AS SIGNED) - taken_at FROM schema_migration_lock WHERE id = 1");
        if (!row) return std::nullopt;
        return LockHolder{row->text(0), row->integer(1)};
    });
}

// One try: takes over a row older than the lease (its migrator died), then claims the lock.
// Times are the database server's clock, the one every node writing the row agrees on.
bool try_claim(Database& db, const std::string& owner, std::chrono::seconds lease) {
    try {
        db.transaction([&](Connection& c) {
            c.exec("DELETE FROM schema_migration_lock WHERE id = 1 AND taken_at < CAST(UNIX_TIMESTAMP() AS SIGNED) - ?",
                   {std::int64_t{lease.count()}});
            c.exec("INSERT INTO schema_migration_lock (id, owner, taken_at) VALUES (1, ?, UNIX_TIMESTAMP())",
                   {owner});
        });
        return true;
    } catch (const StoreError& e) {
        // conflict: the row is there; busy: another node claimed it in the same instant.
        if (e.kind() == ErrorKind::conflict || e.kind() == ErrorKind::busy) return false;
        throw;
    }
}

// Between two versions: the lease stays fresh, and a holder whose row was taken over stops.
void renew(Database& db, const std::string& owner) {
    const auto kept = db.transaction([&](Connection& c) {
        return c.exec("UPDATE schema_migration_lock SET taken_at = UNIX_TIMESTAMP() WHERE id = 1 AND owner = ?",
                      {owner});
    });
    if (kept != 1) {
        throw StoreError(ErrorKind::other, "the schema migration lock of " + owner +
                                               " was taken over by another process: stopping this run");
    }
}

void release(Database& db, const std::string& owner) {
    db.transaction([&](Connection& c) {
        c.exec("DELETE FROM schema_migration_lock WHERE id = 1 AND owner = ?", {owner});
    });
}

std::vector<int> migrate_locked(Database& db, const MigrationLockTimes& times) {
    db.session([](Connection& c) {
        c.exec(render_ddl(bookkeeping_ddl, c.dialect()));
        c.exec(render_ddl(lock_ddl, c.dialect()));
    });
    const std::string owner = lock_owner();
    const auto deadline = std::chrono::steady_clock::now() + times.wait;
    while (!try_claim(db, owner, times.lease)) {
        if (std::chrono::steady_clock::now() >= deadline) {
            const auto holder = lock_holder(db);
            throw StoreError(ErrorKind::busy,
                             "the schema migration lock is still held after " + std::to_string(times.wait.count()) +
                                 " s" +
                                 (holder ? " by " + holder->owner + " (taken " +
                                               std::to_string(holder->age_seconds) + " s ago)"
                                         : std::string()) +
                                 "; if that process is gone, run `cafconnect migrate --release-lock`");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    try {
        // Read the applied versions only now: the previous holder may have applied them all.
        const auto done = db.session([](Connection& c) { return read_versions(c); });
        std::vector<int> applied;
        for (const auto& m : migrations()) {
            if (done.contains(m.version)) continue;
            db.session([&](Connection& c) { apply_one(c, m); });
            applied.push_back(m.version);
            renew(db, owner);
        }
        release(db, owner);
        return applied;
    } catch (...) {
        try {
            release(db, owner);
        } catch (...) {
            // The lease lets the next run take it over.
        }
        throw;
    }
}

}  // namespace

std::vector<int> migrate(Database& db, const MigrationLockTimes& times) {
    if (db.dialect().kind() == Dialect::Kind::sqlite) {
        // SQLite DDL is transactional: the whole run commits or not at all, and BEGIN IMMEDIATE
        // makes a second process wait, then find nothing left to do.
        return db.transaction([](Connection& c) { return apply_missing(c); });
    }
    return migrate_locked(db, times);
}

std::optional<std::string> release_migration_lock(Database& db) {
    if (db.dialect().kind() == Dialect::Kind::sqlite) return std::nullopt;
    db.session([](Connection& c) { c.exec(render_ddl(lock_ddl, c.dialect())); });
    const auto holder = lock_holder(db);
    if (!holder) return std::nullopt;
    db.transaction([&](Connection& c) {
        c.exec("DELETE FROM schema_migration_lock WHERE id = 1 AND owner = ?", {holder->owner});
    });
    return holder->owner;
}

std::vector<int> applied_versions(Database& db) {
    // A session, not a read transaction: the bookkeeping table may have to be created (DDL).
    return db.session([](Connection& c) {
        c.exec(render_ddl(bookkeeping_ddl, c.dialect()));
        auto versions = read_versions(c);
        return std::vector<int>(versions.begin(), versions.end());
    });
}

}  // namespace caf::storage
