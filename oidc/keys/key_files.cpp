// POSIX file handling for the key store (open/fsync/rename/flock), with errors naming the file.
#include "oidc/keys/key_files.hpp"

#include "oidc/keys/key_info.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace caf::oidc::keys {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
    throw key_store_error(file.string() + ": " + what + ": " + std::strerror(errno));
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

void fsync_directory(const std::filesystem::path& dir) {
    FileDescriptor fd{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) fail(dir, "cannot sync the directory");
}

std::filesystem::path temporary_name(const std::filesystem::path& file) {
    static std::atomic<unsigned> counter{0};
    auto name = file;
    name += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    return name;
}

}  // namespace

void ensure_key_directory(const std::filesystem::path& dir) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) fail(dir, "cannot create the key directory");
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) fail(dir, "cannot read the key directory");
    if (!S_ISDIR(st.st_mode)) throw key_store_error(dir.string() + ": not a directory");
}

void write_file_atomically(const std::filesystem::path& file, std::string_view content, mode_t mode) {
    auto temporary = temporary_name(file);
    FileDescriptor fd{::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)};
    if (fd.get() < 0) fail(temporary, "cannot create");
    try {
        // The umask may have removed bits; it cannot have added any, but be exact anyway.
        if (::fchmod(fd.get(), mode) != 0) fail(temporary, "cannot set the mode");
        for (std::size_t written = 0; written < content.size();) {
            auto n = ::write(fd.get(), content.data() + written, content.size() - written);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) fail(temporary, "cannot write");
            written += static_cast<std::size_t>(n);
        }
        if (::fsync(fd.get()) != 0) fail(temporary, "cannot sync");
        if (::close(fd.release()) != 0) fail(temporary, "cannot close");
        if (::rename(temporary.c_str(), file.c_str()) != 0) fail(file, "cannot rename into place");
    } catch (...) {
        ::unlink(temporary.c_str());
        throw;
    }
    fsync_directory(file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path());
}

std::string read_key_file(const std::filesystem::path& file, bool owner_only) {
    FileDescriptor fd{::open(file.c_str(), O_RDONLY | O_CLOEXEC)};
    if (fd.get() < 0) fail(file, "cannot open");
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail(file, "cannot stat");
    if (!S_ISREG(st.st_mode)) throw key_store_error(file.string() + ": not a regular file");
    if (owner_only && (st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw key_store_error(file.string() + ": private key file has mode " + mode +
                              "; it must be readable by its owner only (0600)");
    }
    std::string content;
    char buffer[4096];
    for (;;) {
        auto n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(file, "cannot read");
        if (n == 0) break;
        content.append(buffer, static_cast<std::size_t>(n));
    }
    return content;
}

void remove_key_file(const std::filesystem::path& file) {
    if (::unlink(file.c_str()) != 0 && errno != ENOENT) fail(file, "cannot remove");
}

DirectoryLock::DirectoryLock(const std::filesystem::path& dir) {
    auto path = dir / ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) fail(path, "cannot open the lock file");
    while (::flock(fd_, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        int saved = errno;
        ::close(fd_);
        errno = saved;
        fail(path, "cannot lock");
    }
}

DirectoryLock::~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace caf::oidc::keys
