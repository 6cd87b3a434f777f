// File-system primitives for the key store: crash-safe writes (temporary file, fsync, rename),
// reads that check a private file's mode, and a lock that serialises writers across processes
// (the server and the `cafconnect keys` CLI).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace caf::oidc::keys {

// Creates `dir` (mode 0700) when absent. Throws key_store_error.
void ensure_key_directory(const std::filesystem::path& dir);

// Replaces `file` with `content` atomically: readers see the old or the new file, never a part.
void write_file_atomically(const std::filesystem::path& file, std::string_view content, mode_t mode);

// Whole file; with `owner_only`, refuses a file that its group or others may read or write.
std::string read_key_file(const std::filesystem::path& file, bool owner_only);

void remove_key_file(const std::filesystem::path& file);

// An exclusive flock on <dir>/.lock for as long as the object lives.
class DirectoryLock {
public:
    explicit DirectoryLock(const std::filesystem::path& dir);
    ~DirectoryLock();
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace caf::oidc::keys
