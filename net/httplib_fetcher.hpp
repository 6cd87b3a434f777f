// The one implementation of outgoing HTTP (core/http_fetcher.hpp), on cpp-httplib with OpenSSL
// for https: a fresh connection per call (an upstream may sit behind a load balancer), no
// redirects followed, the server's certificate verified, through the datacenter's forward proxy
// when there is one, with a User-Agent and a cap on the answer's size.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http_fetcher.hpp"

namespace caf::net {

// A forward proxy: plain requests in absolute form, https through CONNECT.
struct OutgoingProxy {
    std::string host;
    int port = 0;
    std::optional<std::string> user;      // Proxy-Authorization: Basic, with password
    std::optional<std::string> password;
};
// "http://[USER:PASSWORD@]HOST[:PORT]" (port 80 by default; user and password percent-encoded).
std::optional<OutgoingProxy> parse_proxy_url(std::string_view url);
// NO_PROXY's rules: "*" (every host), a host name (and its subdomains), ".domain" (its
// subdomains and itself), an IP address; ports and case are ignored.
bool bypasses_proxy(std::string_view host, const std::vector<std::string>& no_proxy);

struct HttplibFetcherSettings {
    std::optional<std::string> ca_file;  // trust anchors other than the system's
    // A connection takes at most this long, or the call's timeout when shorter.
    std::chrono::milliseconds max_connect_timeout{5'000};
    std::optional<OutgoingProxy> http_proxy;   // for http:// URLs
    std::optional<OutgoingProxy> https_proxy;  // for https:// URLs (CONNECT)
    std::vector<std::string> no_proxy;
    std::string user_agent = "cafconnect/0.1";
    // A longer answer is cut off and the call fails: an upstream cannot fill the memory.
    std::size_t max_response_bytes = 1024 * 1024;
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
