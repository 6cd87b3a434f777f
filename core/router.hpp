// The route table: modules register handlers over neutral types; server/ decides where each one
// runs. An inline route is pure CPU on cached data (discovery, JWKS, health, static files) and runs
// on the network threads; a blocking route touches the store, a hash or the network and runs on the
// bounded worker pool.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http.hpp"

namespace caf::http {

enum class Execution { inline_cpu, blocking };

using Handler = std::function<Response(const Request&)>;

// Decides on a request's header alone (no body yet) whether its body may be read: nullopt admits
// it, a response refuses it (sent as is, the body left unread and the connection closed).
using Admission = std::function<std::optional<Response>(const Request& head)>;

// A larger request body than the server's limit, for one route (a bulk import). Only a request
// that `admit` lets in may send that much: a caller must not make the server read 128 MiB before
// it is known to be allowed. `admit` runs where the route runs (the pool for a blocking one).
struct LargeBody {
    std::size_t max_bytes = 0;  // 0: the server's limit
    Admission admit;
    // The body goes to a temporary file (Request::body_file, removed after the response) rather
    // than memory, for a handler that reads it as a stream.
    bool to_file = false;
};

struct Route {
    std::string method;  // "GET", "POST", ...; HEAD is served by GET routes
    std::string path;    // exact path, or a prefix ending in '*' ("/static/*")
    Execution execution = Execution::blocking;
    Handler handler;
    LargeBody large_body;
};

class Router {
public:
    // Throws std::invalid_argument for a large body without an admission (a startup error).
    void add(std::string method, std::string path, Execution execution, Handler handler, LargeBody large_body = {});

    struct Match {
        const Route* route = nullptr;  // null: no route for this method and path
        std::string allow;             // when the path exists for other methods: "GET, POST"
    };
    Match find(std::string_view method, std::string_view path) const;

    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace caf::http
