// `cafconnect backup`: an online copy of the SQLite store, consistent while the server serves and
// writes (SQLite's backup API in one read transaction: one snapshot, writers not held up in WAL).
// The copy is written beside `out`, synced, then renamed: `out` is either absent or whole.
// MariaDB stores are backed up with mariadb-backup or mariadb-dump (README, Operations).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace caf::storage {

struct BackupReport {
    std::int64_t pages = 0;
    std::int64_t bytes = 0;
};

// `store_url` is "sqlite:PATH". Throws StoreError: unavailable when the store cannot be read,
// other when `out` exists or cannot be written, or the copy fails its integrity check.
BackupReport backup_sqlite(std::string_view store_url, const std::filesystem::path& out);

}  // namespace caf::storage
