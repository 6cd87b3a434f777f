// Files under the configured root (web/static), served at /static/<relative path> with a content
// type from the extension and a public cache lifetime. Nothing outside the root is reachable:
// no "..", no encoded separators, no symbolic link leading out.
#pragma once

#include <chrono>
#include <filesystem>
#include <string_view>

#include "core/http.hpp"

namespace caf::server {

class StaticFiles {
public:
    // Throws std::runtime_error when the root is not a directory (a startup error).
    StaticFiles(const std::filesystem::path& root, std::chrono::seconds max_age);

    // `relative` is the request path after "/static/", still percent-encoded.
    http::Response serve(std::string_view relative) const;

private:
    std::filesystem::path root_;  // canonical
    std::chrono::seconds max_age_;
};

std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace caf::server
