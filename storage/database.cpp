// The transaction retry loop shared by both backends, and open_database's URL dispatch.
#include "storage/database.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "storage/mysql/mysql_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/url.hpp"

namespace caf::storage {

std::optional<Row> Connection::query_one(std::string_view sql, const Params& params) {
    auto rows = query(sql, params);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

namespace {
// Nested transactions on one thread would wait for a second connection (or for the SQLite
// write lock the same thread holds): refuse them instead of deadlocking.
thread_local const Database* active_database = nullptr;

struct ActiveGuard {
    explicit ActiveGuard(const Database* db) { active_database = db; }
    ~ActiveGuard() { active_database = nullptr; }
};
}  // namespace

void Database::run(Mode mode, const std::function<void(Connection&)>& fn) {
    if (active_database == this) {
        throw StoreError(ErrorKind::other,
                         "nested transaction on the same database: use the Connection& overload");
    }
    ActiveGuard guard(this);
    thread_local std::minstd_rand jitter{std::random_device{}()};
    for (int attempt = 1;; ++attempt) {
        try {
            run_once(mode, fn);
            return;
        } catch (const StoreError& e) {
            if (!e.retry_safe() || attempt >= max_attempts_) throw;
        }
        // Random backoff so two deadlocked transactions do not collide again in lockstep. Up to
        // 256 ms, and 16 attempts by default: a dozen simultaneous writes to one row through two
        // Galera nodes (parallel logins of one account) did exhaust 8 attempts capped at 64 ms.
        const int ceiling_ms = 1 << std::min(attempt, 8);
        std::this_thread::sleep_for(
            std::chrono::microseconds(jitter() % (static_cast<unsigned>(ceiling_ms) * 1000u)));
    }
}

std::unique_ptr<Database> open_database(std::string_view url, std::size_t pool_size) {
    if (pool_size == 0) pool_size = 1;
    if (url.starts_with("sqlite:")) {
        std::string_view path = url.substr(7);
        if (path.starts_with("//")) path.remove_prefix(2);
        if (path.empty()) throw StoreError(ErrorKind::other, "sqlite URL without a path");
        return std::make_unique<SqliteDatabase>(std::string(path), pool_size);
    }
    if (url.starts_with("mysql://") || url.starts_with("mariadb://")) {
        return std::make_unique<MysqlDatabase>(parse_mysql_url(url), pool_size);
    }
    throw StoreError(ErrorKind::other, "unsupported database URL scheme (expected sqlite: or mysql://)");
}

}  // namespace caf::storage
