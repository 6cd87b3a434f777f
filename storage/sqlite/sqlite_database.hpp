// The embedded backend: one SQLite file in WAL mode, a small pool of connections, writers
// serialised by BEGIN IMMEDIATE (and by a mutex inside the process, so threads queue instead of
// polling the file lock).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "storage/connection_pool.hpp"
#include "storage/database.hpp"

namespace caf::storage {

class SqliteConnection;

class SqliteDatabase final : public Database {
public:
    SqliteDatabase(std::string path, std::size_t pool_size);
    ~SqliteDatabase() override;

    bool ping() noexcept override;
    const Dialect& dialect() const noexcept override { return dialect_; }

private:
    void run_once(Mode mode, const std::function<void(Connection&)>& fn) override;

    std::string path_;
    Dialect dialect_{Dialect::Kind::sqlite};
    std::mutex writer_;
    ConnectionPool<SqliteConnection> pool_;
};

}  // namespace caf::storage
