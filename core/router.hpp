// The route table: modules register handlers over neutral types; server/ decides where each one
// runs. An inline route is pure CPU on cached data (discovery, JWKS, health, static files) and runs
// on the network threads; a blocking route touches the store, a hash or the network and runs on the
// bounded worker pool.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http.hpp"

namespace caf::http {

enum class Execution { inline_cpu, blocking };

using Handler = std::function<Response(const Request&)>;

struct Route {
    std::string method;  // "GET", "POST", ...; HEAD is served by GET routes
    std::string path;    // exact path, or a prefix ending in '*' ("/static/*")
    Execution execution = Execution::blocking;
    Handler handler;
    // A larger request body than the server's limit for this route alone (a bulk import); 0: the
    // server's limit.
    std::size_t max_body_bytes = 0;
};

class Router {
public:
    void add(std::string method, std::string path, Execution execution, Handler handler,
             std::size_t max_body_bytes = 0);

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
