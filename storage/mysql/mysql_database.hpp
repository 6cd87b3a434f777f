// The production backend: MariaDB/MySQL through Connector/C++ 1.1, a bounded pool of
// connections (utf8mb4, found-rows counts), broken connections replaced on the next use.
#pragma once

#include <cstddef>
#include <memory>

#include "storage/connection_pool.hpp"
#include "storage/database.hpp"
#include "storage/url.hpp"

namespace caf::storage {

class MysqlConnection;

class MysqlDatabase final : public Database {
public:
    MysqlDatabase(MysqlUrl url, std::size_t pool_size);
    ~MysqlDatabase() override;

    bool ping() noexcept override;
    const Dialect& dialect() const noexcept override { return dialect_; }

private:
    void run_once(Mode mode, const std::function<void(Connection&)>& fn) override;

    MysqlUrl url_;
    Dialect dialect_{Dialect::Kind::mariadb};
    ConnectionPool<MysqlConnection> pool_;
};

}  // namespace caf::storage
