// The database abstraction every repository is written against once: a Connection that runs
// portable SQL with `?` parameters, and a thread-safe Database that hands one out inside a
// short transaction. Backends: storage/sqlite/ and storage/mysql/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "storage/dialect.hpp"
#include "storage/error.hpp"
#include "storage/value.hpp"

namespace caf::storage {

// One database session, used by one thread at a time (the Database lends it for the length of
// a transaction). Errors are StoreError.
class Connection {
public:
    virtual ~Connection() = default;

    // INSERT/UPDATE/DELETE/DDL: the number of rows the statement matched (found rows on
    // MariaDB too, so "updated 1 row" means the same on both backends).
    virtual std::int64_t exec(std::string_view sql, const Params& params = {}) = 0;
    virtual std::vector<Row> query(std::string_view sql, const Params& params = {}) = 0;
    // The id given by the last INSERT into an auto-increment table on this connection.
    virtual std::int64_t last_insert_id() = 0;
    virtual const Dialect& dialect() const = 0;

    // The first row, if any.
    std::optional<Row> query_one(std::string_view sql, const Params& params = {});
};

class Database {
public:
    virtual ~Database() = default;

    // Runs fn(Connection&) in one write transaction and returns what it returns. Commits when fn
    // returns, rolls back when it throws (and rethrows). On a deadlock / SQLITE_BUSY the whole
    // transaction is run again, a bounded number of times: fn must not have effects outside the
    // database that cannot be repeated. Never call transaction() or read() from inside fn (use
    // the Connection you were given): it is refused with StoreError(other).
    template <class F>
    auto transaction(F&& fn) -> std::invoke_result_t<F&, Connection&> {
        return run_returning(Mode::write, std::forward<F>(fn));
    }
    // The same for read-only work: a consistent snapshot, no write lock taken.
    template <class F>
    auto read(F&& fn) -> std::invoke_result_t<F&, Connection&> {
        return run_returning(Mode::read, std::forward<F>(fn));
    }
    // One connection without a transaction (autocommit): for DDL and session-level locks
    // (migrations). Not for domain work.
    template <class F>
    auto session(F&& fn) -> std::invoke_result_t<F&, Connection&> {
        return run_returning(Mode::session, std::forward<F>(fn));
    }

    // Readiness: true when a connection answers a trivial query.
    virtual bool ping() noexcept = 0;
    virtual const Dialect& dialect() const noexcept = 0;

    // How many times a transaction runs at most when it keeps hitting busy/deadlock errors.
    void set_max_attempts(int attempts) { max_attempts_ = attempts < 1 ? 1 : attempts; }

protected:
    enum class Mode { write, read, session };
    // One attempt: borrow a connection, begin, fn, commit (or roll back and rethrow).
    virtual void run_once(Mode mode, const std::function<void(Connection&)>& fn) = 0;

private:
    void run(Mode mode, const std::function<void(Connection&)>& fn);

    template <class F>
    auto run_returning(Mode mode, F&& fn) -> std::invoke_result_t<F&, Connection&> {
        using R = std::invoke_result_t<F&, Connection&>;
        if constexpr (std::is_void_v<R>) {
            run(mode, [&](Connection& c) { fn(c); });
        } else {
            std::optional<R> result;
            run(mode, [&](Connection& c) { result.emplace(fn(c)); });
            return std::move(*result);
        }
    }

    int max_attempts_ = 16;
};

// "sqlite:PATH" or "mysql://USER:PASSWORD@HOST[:PORT]/DATABASE" (user and password
// percent-encoded; an empty DATABASE connects without selecting one). `pool_size` bounds the
// connections kept open. Throws StoreError(unavailable) when the database cannot be opened and
// StoreError(other) on a malformed URL.
std::unique_ptr<Database> open_database(std::string_view url, std::size_t pool_size = 8);

}  // namespace caf::storage
