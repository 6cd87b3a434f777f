// Connector/C++ 1.1 connections: statement cache, binding, result conversion, and the mapping of
// MySQL error codes to StoreError kinds (with the driver's quoted values redacted).
#include "storage/mysql/mysql_database.hpp"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <chrono>
#include <mutex>
#include <sstream>
#include <unordered_map>

namespace caf::storage {

namespace {

constexpr std::size_t statement_cache_limit = 256;
constexpr auto acquire_timeout = std::chrono::seconds(10);

ErrorKind kind_of(int code, const std::string& sqlstate) {
    switch (code) {
        case 1213:  // ER_LOCK_DEADLOCK (also Galera certification failures)
        case 1205:  // ER_LOCK_WAIT_TIMEOUT
            return ErrorKind::busy;
        case 1062:  // ER_DUP_ENTRY
        case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
        case 1451:  // ER_ROW_IS_REFERENCED_2
        case 1452:  // ER_NO_REFERENCED_ROW_2
        case 1216:
        case 1217:
            return ErrorKind::conflict;
        case 1040:  // too many connections
        case 1045:  // access denied
        case 1047:  // WSREP has not yet prepared node for application use
        case 1053:  // server shutdown in progress
        case 1927:  // connection killed
        case 2002:
        case 2003:
        case 2005:
        case 2006:  // server has gone away
        case 2013:  // lost connection during query
        case 2055:
            return ErrorKind::unavailable;
        default:
            if (sqlstate.starts_with("08")) return ErrorKind::unavailable;
            return ErrorKind::other;
    }
}

// MySQL quotes values in some messages ("Duplicate entry 'x' for key ...", "Incorrect string
// value: '...'"); they may be personal data, so every quoted part goes.
std::string redact(const std::string& message) {
    std::string out;
    bool quoted = false;
    for (char c : message) {
        if (c == '\'') {
            quoted = !quoted;
            out += quoted ? "'…" : "'";
            continue;
        }
        if (!quoted) out += c;
    }
    return out;
}

StoreError translate(const sql::SQLException& e, std::string_view sql, bool retry_safe) {
    const ErrorKind kind = kind_of(e.getErrorCode(), e.getSQLState());
    std::string message = "mysql error " + std::to_string(e.getErrorCode()) + " (" +
                          e.getSQLState() + "): " + redact(e.what());
    if (!sql.empty()) {
        message += " in: ";
        message += sql.substr(0, 200);
    }
    return StoreError(kind, message, retry_safe && kind == ErrorKind::unavailable);
}

sql::mysql::MySQL_Driver& driver() {
    // get_mysql_driver_instance() is not safe to call concurrently the first time.
    static sql::mysql::MySQL_Driver* instance = [] { return sql::mysql::get_mysql_driver_instance(); }();
    return *instance;
}

// The client library wants per-thread setup and teardown on every thread that uses it.
void ensure_thread_init() {
    struct ThreadScope {
        ThreadScope() { driver().threadInit(); }
        ~ThreadScope() { driver().threadEnd(); }
    };
    thread_local ThreadScope scope;
}

bool is_binary(int type) {
    return type == sql::DataType::BINARY || type == sql::DataType::VARBINARY ||
           type == sql::DataType::LONGVARBINARY;
}
bool is_integer(int type) {
    return type == sql::DataType::BIT || type == sql::DataType::TINYINT ||
           type == sql::DataType::SMALLINT || type == sql::DataType::MEDIUMINT ||
           type == sql::DataType::INTEGER || type == sql::DataType::BIGINT ||
           type == sql::DataType::YEAR;
}
bool is_real(int type) {
    return type == sql::DataType::REAL || type == sql::DataType::DOUBLE ||
           type == sql::DataType::DECIMAL || type == sql::DataType::NUMERIC;
}

}  // namespace

class MysqlConnection final : public Connection {
public:
    explicit MysqlConnection(const MysqlUrl& url) {
        ensure_thread_init();
        sql::ConnectOptionsMap options;
        options["hostName"] = sql::SQLString("tcp://" + url.host + ":" + std::to_string(url.port));
        options["userName"] = sql::SQLString(url.user);
        options["password"] = sql::SQLString(url.password);
        if (!url.database.empty()) options["schema"] = sql::SQLString(url.database);
        options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
        // Matched rows, not changed rows: "UPDATE ... = same value" still reports 1, as SQLite.
        options["CLIENT_FOUND_ROWS"] = true;
        // The client library's automatic reconnect stays off (its default): it would lose the
        // transaction and session state without a word. The pool replaces broken connections.
        options["OPT_CONNECT_TIMEOUT"] = 5;
        options["OPT_READ_TIMEOUT"] = 30;
        options["OPT_WRITE_TIMEOUT"] = 30;
        try {
            conn_.reset(driver().connect(options));
            std::unique_ptr<sql::Statement> stmt(conn_->createStatement());
            stmt->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
                          "NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'");
            stmt->execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            try {
                std::unique_ptr<sql::ResultSet> wsrep(stmt->executeQuery("SELECT @@wsrep_on"));
                galera_ = wsrep->next() && wsrep->getInt(1) == 1;
            } catch (const sql::SQLException&) {
                galera_ = false;  // a server without wsrep at all
            }
            if (galera_) {
                // A Galera node may roll back a transaction it brute-force aborts (a conflicting
                // write from another node) without the next statement reporting it: with
                // autocommit on, the rest of the transaction would then commit statement by
                // statement, on values read before the conflict (lost updates, reproduced by the
                // cluster chaos test). So autocommit stays off, and each write transaction puts a
                // row in this session's guard table first: if the row is gone before COMMIT, the
                // transaction was rolled back under our feet and is run again.
                conn_->setAutoCommit(false);
                stmt->execute("CREATE TEMPORARY TABLE caf_transaction_guard (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB");
                stmt->execute("COMMIT");
            } else {
                conn_->setAutoCommit(true);
            }
        } catch (const sql::SQLException& e) {
            throw translate(e, "connect", true);
        }
    }

    ~MysqlConnection() override {
        cache_.clear();
        try {
            if (conn_) conn_->close();
        } catch (...) {
        }
    }

    std::int64_t exec(std::string_view sql, const Params& params) override {
        try {
            auto& stmt = prepare(sql, params);
            return stmt.executeUpdate();
        } catch (const sql::SQLException& e) {
            throw translate(e, sql, false);
        }
    }

    std::vector<Row> query(std::string_view sql, const Params& params) override {
        try {
            auto& stmt = prepare(sql, params);
            std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
            sql::ResultSetMetaData* meta = rs->getMetaData();
            const unsigned n = meta->getColumnCount();
            auto columns = std::make_shared<std::vector<std::string>>();
            std::vector<int> types;
            for (unsigned i = 1; i <= n; ++i) {
                columns->emplace_back(meta->getColumnLabel(i));
                types.push_back(meta->getColumnType(i));
            }
            std::vector<Row> rows;
            while (rs->next()) {
                std::vector<Value> values;
                values.reserve(n);
                for (unsigned i = 1; i <= n; ++i) {
                    const int type = types[i - 1];
                    if (rs->isNull(i)) values.emplace_back(nullptr);
                    else if (is_integer(type)) values.emplace_back(std::int64_t{rs->getInt64(i)});
                    else if (is_real(type)) values.emplace_back(static_cast<double>(rs->getDouble(i)));
                    else if (is_binary(type)) values.emplace_back(Blob{std::string(rs->getString(i))});
                    else values.emplace_back(std::string(rs->getString(i)));
                }
                rows.emplace_back(columns, std::move(values));
            }
            return rows;
        } catch (const sql::SQLException& e) {
            throw translate(e, sql, false);
        }
    }

    std::int64_t last_insert_id() override {
        auto row = query_one("SELECT LAST_INSERT_ID()");
        return row ? row->integer(0) : 0;
    }

    const Dialect& dialect() const override { return dialect_; }

    // Plain statements (transaction control) outside the statement cache.
    void control(const char* sql) {
        try {
            std::unique_ptr<sql::Statement> stmt(conn_->createStatement());
            stmt->execute(sql);
        } catch (const sql::SQLException& e) {
            throw translate(e, sql, false);
        }
    }

    // Autocommit is off on Galera: what a session or a ping did is committed here.
    bool galera() const { return galera_; }
    void end_implicit_transaction() {
        if (galera_) control("COMMIT");
    }

    bool alive() {
        try {
            return conn_ && conn_->isValid();
        } catch (...) {
            return false;
        }
    }

    std::chrono::steady_clock::time_point last_used{std::chrono::steady_clock::now()};

private:
    sql::PreparedStatement& prepare(std::string_view sql, const Params& params) {
        std::string key(sql);
        auto it = cache_.find(key);
        if (it == cache_.end()) {
            if (cache_.size() >= statement_cache_limit) cache_.clear();
            std::unique_ptr<sql::PreparedStatement> stmt(conn_->prepareStatement(key));
            it = cache_.emplace(std::move(key), std::move(stmt)).first;
        }
        sql::PreparedStatement& stmt = *it->second;
        stmt.clearParameters();
        blobs_.clear();
        blobs_.reserve(params.size());
        for (std::size_t i = 0; i < params.size(); ++i) {
            const auto index = static_cast<unsigned>(i + 1);
            const Value& value = params[i];
            if (std::holds_alternative<std::nullptr_t>(value)) {
                stmt.setNull(index, sql::DataType::SQLNULL);
            } else if (auto n = std::get_if<std::int64_t>(&value)) {
                stmt.setInt64(index, *n);
            } else if (auto d = std::get_if<double>(&value)) {
                stmt.setDouble(index, *d);
            } else if (auto s = std::get_if<std::string>(&value)) {
                stmt.setString(index, sql::SQLString(*s));
            } else if (auto b = std::get_if<Blob>(&value)) {
                // Bound as binary so bytes are never read as utf8mb4 text; the stream must live
                // until the statement runs.
                blobs_.push_back(std::make_unique<std::istringstream>(b->bytes));
                stmt.setBlob(index, blobs_.back().get());
            }
        }
        return stmt;
    }

    std::unique_ptr<sql::Connection> conn_;
    bool galera_ = false;
    Dialect dialect_{Dialect::Kind::mariadb};
    std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> cache_;
    std::vector<std::unique_ptr<std::istringstream>> blobs_;
};

MysqlDatabase::MysqlDatabase(MysqlUrl url, std::size_t pool_size)
    : url_(std::move(url)),
      pool_(pool_size, [this] { return std::make_unique<MysqlConnection>(url_); }) {
    // Connect once now: a wrong URL or password fails at startup with a clear error.
    auto lease = pool_.acquire(std::chrono::milliseconds(acquire_timeout));
}

MysqlDatabase::~MysqlDatabase() { pool_.clear_idle(); }

bool MysqlDatabase::ping() noexcept {
    try {
        ensure_thread_init();
        auto lease = pool_.acquire(std::chrono::milliseconds(2000));
        try {
            const bool answered = !lease->query("SELECT 1", {}).empty();
            lease->end_implicit_transaction();
            return answered;
        } catch (...) {
            lease.discard();
            return false;
        }
    } catch (...) {
        return false;
    }
}

void MysqlDatabase::run_once(Mode mode, const std::function<void(Connection&)>& fn) {
    ensure_thread_init();
    auto lease = pool_.acquire(std::chrono::milliseconds(acquire_timeout));
    // A connection idle for a while may have been closed by the server (wait_timeout) or a
    // proxy: check it before trusting a transaction to it.
    const auto now = std::chrono::steady_clock::now();
    if (now - lease->last_used > std::chrono::seconds(30) && !lease->alive()) {
        lease.discard();
        throw StoreError(ErrorKind::unavailable, "mysql: idle connection was closed", true);
    }
    lease->last_used = now;
    const bool galera = lease->galera();
    bool committing = false;
    try {
        if (mode == Mode::session) {
            fn(*lease);
            lease->end_implicit_transaction();
            return;
        }
        const bool guarded = mode == Mode::write && galera;
        lease->control(mode == Mode::write ? "START TRANSACTION" : "START TRANSACTION READ ONLY");
        if (guarded) lease->exec("INSERT INTO caf_transaction_guard (id) VALUES (1)", {});
        fn(*lease);
        if (guarded && lease->exec("DELETE FROM caf_transaction_guard WHERE id = 1", {}) != 1) {
            throw StoreError(ErrorKind::busy, "mysql: the transaction was rolled back by a Galera conflict");
        }
        committing = true;
        lease->control("COMMIT");
    } catch (const StoreError& e) {
        if (e.kind() == ErrorKind::unavailable) {
            lease.discard();
            // Before COMMIT was sent nothing can have been committed: the server rolls back a
            // transaction whose connection died, so running it again is safe.
            if (!committing && mode != Mode::session) throw StoreError(e.kind(), e.what(), true);
            throw;
        }
        try {
            if (mode != Mode::session || galera) lease->control("ROLLBACK");
        } catch (...) {
            lease.discard();
        }
        // A connection whose transaction a Galera node aborted is not trusted again (it did
        // carry lost updates into its next transaction); a new one costs a handshake.
        if (e.kind() == ErrorKind::busy && galera) lease.discard();
        throw;
    } catch (...) {
        try {
            if (mode != Mode::session || galera) lease->control("ROLLBACK");
        } catch (...) {
            lease.discard();
        }
        throw;
    }
}

}  // namespace caf::storage
