// The one implementation of outgoing HTTP (core/http_fetcher.hpp), on cpp-httplib with OpenSSL
// for https: a fresh connection per call (an upstream may sit behind a load balancer), no
// redirects followed, the server's certificate verified.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/http_fetcher.hpp"

namespace caf::net {

struct HttplibFetcherSettings {
    std::optional<std::string> ca_file;  // trust anchors other than the system's
    // A connection takes at most this long, or the call's timeout when shorter.
    std::chrono::milliseconds max_connect_timeout{5'000};
};

class HttplibFetcher final : public http::HttpFetcher {
public:
    explicit HttplibFetcher(HttplibFetcherSettings settings = {}) : settings_(std::move(settings)) {}

    expected<http::HttpReply, http::FetchError> get(const std::string& url, const http::HeaderList& headers,
                                                    std::chrono::milliseconds timeout) override;
    expected<http::HttpReply, http::FetchError> post(const std::string& url, const http::HeaderList& headers,
                                                     const std::string& body, const std::string& content_type,
                                                     std::chrono::milliseconds timeout) override;

private:
    HttplibFetcherSettings settings_;
};

}  // namespace caf::net
