// Route lookup: exact paths first, then the longest matching prefix route.
#include "core/router.hpp"

#include <stdexcept>

namespace caf::http {
namespace {

bool path_matches(const Route& route, std::string_view path) {
    if (!route.path.empty() && route.path.back() == '*') {
        std::string_view prefix(route.path.data(), route.path.size() - 1);
        return path.starts_with(prefix);
    }
    return route.path == path;
}

}  // namespace

void Router::add(std::string method, std::string path, Execution execution, Handler handler, LargeBody large_body) {
    if (large_body.max_bytes > 0 && !large_body.admit)
        throw std::invalid_argument("route " + method + " " + path + ": a large body needs an admission");
    routes_.push_back(Route{std::move(method), std::move(path), execution, std::move(handler), std::move(large_body)});
}

Router::Match Router::find(std::string_view method, std::string_view path) const {
    Match match;
    std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
    const Route* best = nullptr;
    for (const auto& route : routes_) {
        if (!path_matches(route, path)) continue;
        if (route.method == wanted) {
            // Prefer an exact route to a prefix route, and a longer prefix to a shorter one.
            if (!best || route.path.back() != '*' || (best->path.back() == '*' && route.path.size() > best->path.size()))
                best = &route;
        } else if (match.allow.find(route.method) == std::string::npos) {
            if (!match.allow.empty()) match.allow += ", ";
            match.allow += route.method;
            if (route.method == "GET") match.allow += ", HEAD";
        }
    }
    match.route = best;
    if (best) match.allow.clear();
    return match;
}

}  // namespace caf::http
