// The relative path is validated segment by segment after percent-decoding, then the canonical
// file must still lie under the canonical root: the first check refuses the obvious attacks with a
// clear rule, the second catches symbolic links.
#include "server/static_files.hpp"

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace caf::server {

namespace {

constexpr std::uintmax_t max_file_bytes = 16 * 1024 * 1024;

// Plain names only: every segment non-empty, not "." or "..", no backslash or control byte.
bool is_safe_relative_path(std::string_view path) {
    if (path.empty()) return false;
    std::size_t start = 0;
    for (;;) {
        const auto slash = path.find('/', start);
        const std::string_view segment =
            path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        for (unsigned char c : segment) {
            if (c < 0x20 || c == 0x7f || c == '\\') return false;
        }
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

bool is_under(const std::filesystem::path& file, const std::filesystem::path& root) {
    auto f = file.begin();
    for (auto r = root.begin(); r != root.end(); ++r, ++f) {
        if (f == file.end() || *f != *r) return false;
    }
    return f != file.end();
}

http::Response not_found() { return http::Response::text(404, "Not Found\n"); }

}  // namespace

StaticFiles::StaticFiles(const std::filesystem::path& root, std::chrono::seconds max_age)
    : max_age_(max_age) {
    std::error_code ec;
    root_ = std::filesystem::canonical(root, ec);
    if (ec || !std::filesystem::is_directory(root_, ec))
        throw std::runtime_error("static root '" + root.string() + "' is not a directory");
}

http::Response StaticFiles::serve(std::string_view relative) const {
    const auto decoded = http::percent_decode(relative, http::PlusSign::literal);
    if (!decoded || !is_safe_relative_path(*decoded)) return not_found();
    std::error_code ec;
    const auto file = std::filesystem::weakly_canonical(root_ / *decoded, ec);
    if (ec || !is_under(file, root_) || !std::filesystem::is_regular_file(file, ec)) return not_found();
    const auto size = std::filesystem::file_size(file, ec);
    if (ec || size > max_file_bytes) return not_found();

    std::ifstream in(file, std::ios::binary);
    if (!in) return not_found();
    std::string body(static_cast<std::size_t>(size), '\0');
    in.read(body.data(), static_cast<std::streamsize>(size));
    body.resize(static_cast<std::size_t>(in.gcount()));

    http::Response response;
    response.status = 200;
    response.body = std::move(body);
    response.headers.set("Content-Type", std::string(content_type_for(file)));
    response.headers.set("Cache-Control", "public, max-age=" + std::to_string(max_age_.count()));
    return response;
}

std::string_view content_type_for(const std::filesystem::path& file) {
    const std::string extension = file.extension().string();
    static constexpr std::pair<std::string_view, std::string_view> types[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".html", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".ico", "image/x-icon"},
        {".webp", "image/webp"},
        {".woff", "font/woff"},
        {".woff2", "font/woff2"},
        {".map", "application/json"},
    };
    for (const auto& [ext, type] : types) {
        if (extension == ext) return type;
    }
    return "application/octet-stream";
}

}  // namespace caf::server
