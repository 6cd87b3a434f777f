// Outgoing HTTP, as one seam for every upstream (providers' discovery, JWKS, token and userinfo,
// the SMS gateway, the external captcha): an interface, so the callers are tested without a
// network, with its cpp-httplib implementation in net/. Network failures are values. Calls block:
// they run on the worker pool or on a notification worker, never on a network thread.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/expected.hpp"

namespace caf::http {

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
    virtual expected<HttpReply, FetchError> post(const std::string& url, const HeaderList& headers,
                                                 const std::string& body, const std::string& content_type,
                                                 std::chrono::milliseconds timeout) = 0;

    // An application/x-www-form-urlencoded body.
    expected<HttpReply, FetchError> post_form(const std::string& url, const HeaderList& headers,
                                              const std::string& body, std::chrono::milliseconds timeout) {
        return post(url, headers, body, "application/x-www-form-urlencoded", timeout);
    }
};

}  // namespace caf::http
