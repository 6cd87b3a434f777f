// Outgoing HTTP of the relying-party side (discovery, JWKS, token, userinfo): an interface so
// unit tests run without network, and its cpp-httplib implementation (OpenSSL for https).
// Network failures are values. Calls block: they run in blocking handlers on the worker pool.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace caf::providers {

struct HttpReply {
    int status = 0;
    std::string content_type;
    std::string body;
};

struct FetchError {
    std::string what;  // for the event log: no token, no personal data
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpFetcher {
public:
    virtual ~HttpFetcher() = default;
    virtual expected<HttpReply, FetchError> get(const std::string& url, const HeaderList& headers,
                                                std::chrono::milliseconds timeout) = 0;
    // application/x-www-form-urlencoded body.
    virtual expected<HttpReply, FetchError> post_form(const std::string& url, const HeaderList& headers,
                                                      const std::string& body, std::chrono::milliseconds timeout) = 0;
};

class HttplibFetcher final : public HttpFetcher {
public:
    expected<HttpReply, FetchError> get(const std::string& url, const HeaderList& headers,
                                        std::chrono::milliseconds timeout) override;
    expected<HttpReply, FetchError> post_form(const std::string& url, const HeaderList& headers,
                                              const std::string& body, std::chrono::milliseconds timeout) override;
};

}  // namespace caf::providers
