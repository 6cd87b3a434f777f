#include "net/httplib_fetcher.hpp"

#include <algorithm>

#include <httplib.h>

#include "core/http.hpp"

namespace caf::net {
namespace {

httplib::Headers to_headers(const http::HeaderList& list) {
    httplib::Headers headers;
    for (const auto& [name, value] : list) headers.emplace(name, value);
    return headers;
}

template <class Send>
expected<http::HttpReply, http::FetchError> call(const HttplibFetcherSettings& settings, const std::string& url,
                                                 std::chrono::milliseconds timeout, Send&& send) {
    auto parts = http::split_http_url(url);
    if (!parts) return unexpected<http::FetchError>{http::FetchError{"not an http(s) URL"}};
    const std::string path = parts->path.empty() ? "/" : parts->path;
    httplib::Client client(parts->origin);
    if (!client.is_valid()) return unexpected<http::FetchError>{http::FetchError{"unusable URL " + parts->origin}};
    client.set_connection_timeout(std::min(timeout, settings.max_connect_timeout));
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    client.set_follow_location(false);
    client.set_keep_alive(false);
    client.enable_server_certificate_verification(true);
    if (settings.ca_file) client.set_ca_cert_path(settings.ca_file->c_str());
    auto result = send(client, path);
    if (!result)
        return unexpected<http::FetchError>{
            http::FetchError{"request to " + parts->origin + " failed: " + httplib::to_string(result.error())}};
    http::HttpReply reply;
    reply.status = result->status;
    reply.content_type = result->get_header_value("Content-Type");
    reply.body = std::move(result->body);
    return reply;
}

}  // namespace

expected<http::HttpReply, http::FetchError> HttplibFetcher::get(const std::string& url,
                                                                const http::HeaderList& headers,
                                                                std::chrono::milliseconds timeout) {
    return call(settings_, url, timeout, [&](httplib::Client& client, const std::string& path) {
        return client.Get(path, to_headers(headers));
    });
}

expected<http::HttpReply, http::FetchError> HttplibFetcher::post(const std::string& url,
                                                                 const http::HeaderList& headers,
                                                                 const std::string& body,
                                                                 const std::string& content_type,
                                                                 std::chrono::milliseconds timeout) {
    return call(settings_, url, timeout, [&](httplib::Client& client, const std::string& path) {
        return client.Post(path, to_headers(headers), body, content_type);
    });
}

}  // namespace caf::net
