// The SQLite backup API over one read transaction of the source, then fsync and rename.
#include "storage/sqlite/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "storage/error.hpp"

namespace caf::storage {
namespace {

using Handle = std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)>;

Handle open(const std::string& path, int flags, ErrorKind kind) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    Handle handle(db, &sqlite3_close_v2);
    if (rc != SQLITE_OK)
        throw StoreError(kind, "sqlite: cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(db, 5000);
    return handle;
}

void sync_path(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0) ::close(fd);
        throw StoreError(ErrorKind::other, "cannot sync " + path.string());
    }
    ::close(fd);
}

}  // namespace

BackupReport backup_sqlite(std::string_view store_url, const std::filesystem::path& out) {
    if (!store_url.starts_with("sqlite:")) throw StoreError(ErrorKind::other, "not a SQLite store");
    std::string source_path(store_url.substr(7));
    if (source_path.starts_with("//")) source_path.erase(0, 2);
    if (std::filesystem::exists(out)) throw StoreError(ErrorKind::other, out.string() + " exists: give a new file name");
    if (!std::filesystem::exists(source_path)) throw StoreError(ErrorKind::unavailable, "no store at " + source_path);

    const std::filesystem::path partial = out.string() + ".partial";
    std::filesystem::remove(partial);
    auto source = open(source_path, SQLITE_OPEN_READONLY, ErrorKind::unavailable);
    BackupReport report;
    {
        auto target = open(partial.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, ErrorKind::other);
        sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
        if (!backup) throw StoreError(ErrorKind::other, std::string("sqlite backup: ") + sqlite3_errmsg(target.get()));
        int rc = SQLITE_OK;
        // All pages in one step, so in one read transaction of the source: one snapshot, and in WAL
        // mode a reader blocks no writer (stepping in parts would restart at every write).
        do {
            rc = sqlite3_backup_step(backup, -1);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        report.pages = sqlite3_backup_pagecount(backup);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) {
            std::filesystem::remove(partial);
            throw StoreError(ErrorKind::other, std::string("sqlite backup: ") + sqlite3_errstr(rc));
        }
        // The copy is a plain rollback-journal file; the server turns WAL on again when it opens it.
        char* error = nullptr;
        std::string verdict;
        sqlite3_exec(
            target.get(), "PRAGMA quick_check",
            [](void* out_verdict, int, char** values, char**) {
                *static_cast<std::string*>(out_verdict) += values[0] ? values[0] : "";
                return 0;
            },
            &verdict, &error);
        sqlite3_free(error);
        if (verdict != "ok") {
            std::filesystem::remove(partial);
            throw StoreError(ErrorKind::other, "sqlite backup: the copy fails its check: " + verdict.substr(0, 200));
        }
    }
    sync_path(partial, O_RDONLY);
    std::filesystem::rename(partial, out);
    sync_path(out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path(), O_RDONLY | O_DIRECTORY);
    report.bytes = static_cast<std::int64_t>(std::filesystem::file_size(out));
    return report;
}

}  // namespace caf::storage
