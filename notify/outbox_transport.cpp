// The outbox file is opened per message, so a test may truncate or remove it between runs; the
// delivery keys already written are read incrementally, under flock, so nodes sharing a file agree.
#include "notify/outbox_transport.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace caf::notify {

namespace {

std::string iso8601(TimePoint t) {
    const std::time_t seconds = std::time_t(to_unix_seconds(t));
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

constexpr std::string_view key_field = "\"delivery_key\":\"";

// Closes the descriptor on every path out of send().
struct FileDescriptor {
    int fd;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::string outbox_line(const OutgoingMessage& message) {
    nlohmann::json line{{"time", iso8601(message.date)},
                        {"channel", std::string(to_string(message.channel))},
                        {"recipient", message.recipient},
                        {"template", std::string(to_string(message.template_name))}};
    if (message.code) line["code"] = *message.code;
    line["subject"] = message.subject;
    line["text"] = message.text;
    if (!message.delivery_key.empty()) line["delivery_key"] = message.delivery_key;
    // Invalid UTF-8 would throw in dump(): replaced, never a lost message.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void OutboxTransport::catch_up(int fd) {
    struct stat st{};
    if (::fstat(fd, &st) != 0) return;
    if (st.st_dev != device_ || st.st_ino != inode_ || st.st_size < read_up_to_) {
        keys_.clear();
        device_ = st.st_dev;
        inode_ = st.st_ino;
        read_up_to_ = 0;
    }
    std::string pending;
    char buffer[64 * 1024];
    off_t offset = read_up_to_;
    while (offset < st.st_size) {
        const ssize_t n = ::pread(fd, buffer, sizeof buffer, offset);
        if (n <= 0) break;
        offset += n;
        pending.append(buffer, std::size_t(n));
        std::size_t start = 0;
        for (std::size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
            const std::string_view line(pending.data() + start, end - start);
            if (const auto at = line.find(key_field); at != std::string_view::npos) {
                const auto from = at + key_field.size();
                const auto to = line.find('"', from);
                if (to != std::string_view::npos) keys_.emplace(line.substr(from, to - from));
            }
            read_up_to_ += off_t(end + 1 - start);
        }
        pending.erase(0, start);
    }
}

SendResult OutboxTransport::send(const OutgoingMessage& message) {
    const std::string line = outbox_line(message) + "\n";
    std::lock_guard lock(mutex_);
    FileDescriptor file{::open(file_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600)};
    if (file.fd < 0)
        return unexpected(TransportError{std::string("outbox: cannot open the file: ") + std::strerror(errno)});
    // Other processes (nodes sharing the file) check and append under the same lock.
    if (::flock(file.fd, LOCK_EX) != 0) return unexpected(TransportError{"outbox: cannot lock the file"});
    if (!message.delivery_key.empty()) {
        catch_up(file.fd);
        if (keys_.contains(message.delivery_key)) return Delivered{"outbox (already written)"};
    }
    const ssize_t written = ::write(file.fd, line.data(), line.size());
    const int write_errno = errno;
    const bool synced = written == ssize_t(line.size()) && ::fsync(file.fd) == 0;
    if (written != ssize_t(line.size()))
        return unexpected(TransportError{std::string("outbox: short write: ") +
                                         (written < 0 ? std::strerror(write_errno) : "partial line")});
    if (!synced) return unexpected(TransportError{"outbox: fsync failed"});
    if (!message.delivery_key.empty()) {
        keys_.insert(message.delivery_key);
        // Our own line is known; the next catch_up starts after it (unless someone else wrote).
        struct stat st{};
        if (::fstat(file.fd, &st) == 0 && st.st_size == read_up_to_ + off_t(line.size())) read_up_to_ = st.st_size;
    }
    return Delivered{"outbox"};
}

}  // namespace caf::notify
