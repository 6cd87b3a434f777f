// SQLite connections: pragmas for durability and concurrency, a prepared-statement cache, and
// the mapping of SQLite result codes to StoreError kinds.
#include "storage/sqlite/sqlite_database.hpp"

#include <sqlite3.h>

#include <chrono>
#include <thread>
#include <unordered_map>

namespace caf::storage {

namespace {

constexpr int busy_timeout_ms = 5000;
constexpr std::size_t statement_cache_limit = 256;

ErrorKind kind_of(int code) {
    switch (code & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return ErrorKind::busy;
        case SQLITE_CONSTRAINT: {
            // Only key violations are conflicts; NOT NULL / CHECK failures are bugs.
            if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY ||
                code == SQLITE_CONSTRAINT_FOREIGNKEY) {
                return ErrorKind::conflict;
            }
            return ErrorKind::other;
        }
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_READONLY:
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: return ErrorKind::unavailable;
        default: return ErrorKind::other;
    }
}

// SQLite's messages name tables and columns, never values, so they may be kept.
[[noreturn]] void fail(sqlite3* db, int code, std::string_view sql) {
    std::string message = "sqlite: ";
    message += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    message += " [";
    message += sqlite3_errstr(code);
    message += "] in: ";
    message += sql.substr(0, 200);
    throw StoreError(kind_of(code), message);
}

}  // namespace

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(const std::string& path) {
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close_v2(db_);
            throw StoreError(ErrorKind::unavailable, "sqlite: cannot open the database file: " + why);
        }
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, busy_timeout_ms);
        try {
            // WAL: readers never block the writer. synchronous=FULL: a committed transaction
            // survives a power loss too (NORMAL may lose the last ones in WAL mode).
            enable_wal();
            exec_simple("PRAGMA synchronous=FULL");
            exec_simple("PRAGMA foreign_keys=ON");
        } catch (...) {
            sqlite3_close_v2(db_);
            throw;
        }
    }

    ~SqliteConnection() override {
        for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
        sqlite3_close_v2(db_);
    }

    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    // The journal mode is stored in the file; switching it needs an exclusive lock, and SQLite
    // answers BUSY at once (no busy handler) while another connection opens the same new file.
    void enable_wal() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
        for (;;) {
            const int rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
            if (rc == SQLITE_OK) return;
            if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
                fail(db_, rc, "PRAGMA journal_mode=WAL");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    void exec_simple(const char* sql) {
        const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) fail(db_, rc, sql);
    }

    std::int64_t exec(std::string_view sql, const Params& params) override {
        sqlite3_stmt* stmt = prepare(sql, params);
        StatementReset reset{stmt};
        for (;;) {
            const int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) fail(db_, rc, sql);
        }
        return sqlite3_changes64(db_);
    }

    std::vector<Row> query(std::string_view sql, const Params& params) override {
        sqlite3_stmt* stmt = prepare(sql, params);
        StatementReset reset{stmt};
        const int n = sqlite3_column_count(stmt);
        auto columns = std::make_shared<std::vector<std::string>>();
        for (int i = 0; i < n; ++i) columns->emplace_back(sqlite3_column_name(stmt, i));
        std::vector<Row> rows;
        for (;;) {
            const int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) fail(db_, rc, sql);
            std::vector<Value> values;
            values.reserve(static_cast<std::size_t>(n));
            for (int i = 0; i < n; ++i) values.push_back(column_value(stmt, i));
            rows.emplace_back(columns, std::move(values));
        }
        return rows;
    }

    std::int64_t last_insert_id() override { return sqlite3_last_insert_rowid(db_); }
    const Dialect& dialect() const override { return dialect_; }

    bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

private:
    struct StatementReset {
        sqlite3_stmt* stmt;
        ~StatementReset() {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
        }
    };

    sqlite3_stmt* prepare(std::string_view sql, const Params& params) {
        std::string key(sql);
        sqlite3_stmt* stmt = nullptr;
        if (auto it = cache_.find(key); it != cache_.end()) {
            stmt = it->second;
        } else {
            const char* tail = nullptr;
            const int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                              SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
            if (rc != SQLITE_OK) fail(db_, rc, sql);
            if (stmt == nullptr) throw StoreError(ErrorKind::other, "sqlite: empty statement");
            if (cache_.size() >= statement_cache_limit) {
                for (auto& [s, old] : cache_) sqlite3_finalize(old);
                cache_.clear();
            }
            cache_.emplace(std::move(key), stmt);
        }
        if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt)) != params.size()) {
            throw StoreError(ErrorKind::other, "sqlite: wrong number of parameters for: " +
                                                   std::string(sql.substr(0, 200)));
        }
        for (std::size_t i = 0; i < params.size(); ++i) bind(stmt, static_cast<int>(i + 1), params[i], sql);
        return stmt;
    }

    void bind(sqlite3_stmt* stmt, int index, const Value& value, std::string_view sql) {
        int rc = SQLITE_OK;
        if (std::holds_alternative<std::nullptr_t>(value)) {
            rc = sqlite3_bind_null(stmt, index);
        } else if (auto i = std::get_if<std::int64_t>(&value)) {
            rc = sqlite3_bind_int64(stmt, index, *i);
        } else if (auto d = std::get_if<double>(&value)) {
            rc = sqlite3_bind_double(stmt, index, *d);
        } else if (auto s = std::get_if<std::string>(&value)) {
            rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        } else if (auto b = std::get_if<Blob>(&value)) {
            // A null data pointer would bind NULL: an empty blob needs zeroblob.
            rc = b->bytes.empty() ? sqlite3_bind_zeroblob(stmt, index, 0)
                                  : sqlite3_bind_blob64(stmt, index, b->bytes.data(),
                                                        b->bytes.size(), SQLITE_TRANSIENT);
        }
        if (rc != SQLITE_OK) fail(db_, rc, sql);
    }

    static Value column_value(sqlite3_stmt* stmt, int i) {
        switch (sqlite3_column_type(stmt, i)) {
            case SQLITE_INTEGER: return std::int64_t{sqlite3_column_int64(stmt, i)};
            case SQLITE_FLOAT: return sqlite3_column_double(stmt, i);
            case SQLITE_TEXT: {
                auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
                return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
            }
            case SQLITE_BLOB: {
                auto p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
                const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt, i));
                return Blob{p ? std::string(p, n) : std::string()};
            }
            default: return nullptr;
        }
    }

    sqlite3* db_ = nullptr;
    Dialect dialect_{Dialect::Kind::sqlite};
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

SqliteDatabase::SqliteDatabase(std::string path, std::size_t pool_size)
    : path_(std::move(path)),
      pool_(pool_size, [this] { return std::make_unique<SqliteConnection>(path_); }) {
    // Open one connection now so a bad path fails at startup, not at the first request.
    auto lease = pool_.acquire(std::chrono::milliseconds(busy_timeout_ms));
}

SqliteDatabase::~SqliteDatabase() { pool_.clear_idle(); }

bool SqliteDatabase::ping() noexcept {
    try {
        auto lease = pool_.acquire(std::chrono::milliseconds(1000));
        return !lease->query("SELECT 1", {}).empty();
    } catch (...) {
        return false;
    }
}

void SqliteDatabase::run_once(Mode mode, const std::function<void(Connection&)>& fn) {
    auto lease = pool_.acquire(std::chrono::milliseconds(busy_timeout_ms));
    std::unique_lock<std::mutex> writer_lock;
    if (mode == Mode::write || mode == Mode::session) writer_lock = std::unique_lock(writer_);
    if (mode == Mode::session) {
        fn(*lease);
        return;
    }
    lease->exec_simple(mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN");
    try {
        fn(*lease);
        lease->exec_simple("COMMIT");
    } catch (...) {
        // A failed COMMIT (busy) may leave the transaction open: always close it.
        if (lease->in_transaction()) {
            try {
                lease->exec_simple("ROLLBACK");
            } catch (...) {
                lease.discard();
            }
        }
        throw;
    }
}

}  // namespace caf::storage
