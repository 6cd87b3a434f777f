// The migration runner: renders the DDL for the backend and applies missing versions under a lock.
#include "storage/migrations.hpp"

#include <algorithm>
#include <set>
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

// Applies the missing migrations on `c`; the caller holds the lock that makes this exclusive.
std::vector<int> apply_missing(Connection& c) {
    c.exec(render_ddl(bookkeeping_ddl, c.dialect()));
    const auto done = read_versions(c);
    std::vector<int> applied;
    for (const auto& m : migrations()) {
        if (done.contains(m.version)) continue;
        for (auto statement : m.statements) {
            for (const auto& sql : render_statements(statement, c.dialect())) c.exec(sql);
        }
        c.exec("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
               {std::int64_t{m.version}, std::string(m.name)});
        applied.push_back(m.version);
    }
    return applied;
}

}  // namespace

std::vector<int> migrate(Database& db) {
    if (db.dialect().kind() == Dialect::Kind::sqlite) {
        // SQLite DDL is transactional: the whole run commits or not at all, and BEGIN IMMEDIATE
        // makes a second process wait, then find nothing left to do.
        return db.transaction([](Connection& c) { return apply_missing(c); });
    }
    return db.session([](Connection& c) {
        // Lock names are server-wide: include the database so test databases do not queue.
        auto got = c.query_one("SELECT GET_LOCK(CONCAT('caf_migrate:', DATABASE()), 60)");
        if (!got || got->is_null(0) || got->integer(0) != 1) {
            throw StoreError(ErrorKind::busy, "another process is migrating the schema");
        }
        try {
            auto applied = apply_missing(c);
            c.query("SELECT RELEASE_LOCK(CONCAT('caf_migrate:', DATABASE()))");
            return applied;
        } catch (...) {
            try {
                c.query("SELECT RELEASE_LOCK(CONCAT('caf_migrate:', DATABASE()))");
            } catch (...) {
            }
            throw;
        }
    });
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
