// Reading (and, in development, creating) the personal-data key file.
#include "config/data_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>

#include "config/config.hpp"
#include "core/crypto.hpp"
#include "core/random.hpp"

namespace caf::config {
namespace {

void create_key_file(const std::filesystem::path& file) {
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    std::array<std::byte, 64> raw{};
    system_random().fill(raw);
    std::string text = crypto::hex_encode(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size())) + "\n";
    // O_EXCL: two processes starting at once must not overwrite each other's keys.
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return;
        throw ConfigError(file.string(), "security.data_keys_file", "cannot create the key file");
    }
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw ConfigError(file.string(), "security.data_keys_file", "cannot write the key file");
}

}  // namespace

DataKeys load_data_keys(const std::filesystem::path& file, bool generate_missing) {
    if (generate_missing && !std::filesystem::exists(file)) create_key_file(file);
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line))
        throw ConfigError(file.string(), "security.data_keys_file",
                          "cannot read the key file (make it with: openssl rand -hex 64 > FILE)");
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    auto raw = crypto::hex_decode(line);
    if (!raw || raw->size() != 64)
        throw ConfigError(file.string(), "security.data_keys_file", "expected 128 hexadecimal characters");
    return DataKeys{raw->substr(0, 32), raw->substr(32)};
}

}  // namespace caf::config
