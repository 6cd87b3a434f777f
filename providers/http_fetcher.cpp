#include "providers/http_fetcher.hpp"

#include <httplib.h>

#include "core/http.hpp"

namespace caf::providers {
namespace {

template <class Call>
expected<HttpReply, FetchError> call(const std::string& url, std::chrono::milliseconds timeout, Call&& send) {
    auto parts = http::split_http_url(url);
    if (!parts) return unexpected<FetchError>{FetchError{"not an http(s) URL"}};
    std::string path = parts->path.empty() ? "/" : parts->path;
    httplib::Client client(parts->origin);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    client.set_follow_location(false);
    auto result = send(client, path);
    if (!result) return unexpected<FetchError>{FetchError{"request to " + parts->origin + " failed: " +
                                                          httplib::to_string(result.error())}};
    HttpReply reply;
    reply.status = result->status;
    reply.content_type = result->get_header_value("Content-Type");
    reply.body = std::move(result->body);
    return reply;
}

httplib::Headers to_headers(const HeaderList& list) {
    httplib::Headers headers;
    for (const auto& [name, value] : list) headers.emplace(name, value);
    return headers;
}

}  // namespace

expected<HttpReply, FetchError> HttplibFetcher::get(const std::string& url, const HeaderList& headers,
                                                    std::chrono::milliseconds timeout) {
    return call(url, timeout, [&](httplib::Client& client, const std::string& path) {
        return client.Get(path, to_headers(headers));
    });
}

expected<HttpReply, FetchError> HttplibFetcher::post_form(const std::string& url, const HeaderList& headers,
                                                          const std::string& body, std::chrono::milliseconds timeout) {
    return call(url, timeout, [&](httplib::Client& client, const std::string& path) {
        return client.Post(path, to_headers(headers), body, "application/x-www-form-urlencoded");
    });
}

}  // namespace caf::providers
