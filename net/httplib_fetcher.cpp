#include "net/httplib_fetcher.hpp"

#include <algorithm>

#include <httplib.h>

#include "core/http.hpp"
#include "core/text.hpp"

namespace caf::net {
namespace {

httplib::Headers to_headers(const http::HeaderList& list) {
    httplib::Headers headers;
    for (const auto& [name, value] : list) headers.emplace(name, value);
    return headers;
}

// The host of an origin "scheme://host[:port]" ("[v6]" without its brackets).
std::string host_of(std::string_view origin) {
    auto rest = origin.substr(origin.find("://") + 3);
    if (rest.starts_with('[')) return std::string(rest.substr(1, rest.find(']') - 1));
    return std::string(rest.substr(0, rest.find(':')));
}

expected<http::HttpReply, http::FetchError> call(const HttplibFetcherSettings& settings, const std::string& url,
                                                 std::chrono::milliseconds timeout, httplib::Request request) {
    auto parts = http::split_http_url(url);
    if (!parts) return unexpected<http::FetchError>{http::FetchError{"not an http(s) URL"}};
    request.path = parts->path.empty() ? "/" : parts->path;
    httplib::Client client(parts->origin);
    if (!client.is_valid()) return unexpected<http::FetchError>{http::FetchError{"unusable URL " + parts->origin}};
    client.set_connection_timeout(std::min(timeout, settings.max_connect_timeout));
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    client.set_follow_location(false);
    client.set_keep_alive(false);
    client.enable_server_certificate_verification(true);
    if (settings.ca_file) client.set_ca_cert_path(settings.ca_file->c_str());
    const auto& proxy = parts->origin.starts_with("https://") ? settings.https_proxy : settings.http_proxy;
    if (proxy && !bypasses_proxy(host_of(parts->origin), settings.no_proxy)) {
        client.set_proxy(proxy->host, proxy->port);
        if (proxy->user) client.set_proxy_basic_auth(*proxy->user, proxy->password.value_or(""));
    }
    if (!request.has_header("User-Agent")) request.set_header("User-Agent", settings.user_agent);

    std::string body;
    bool too_long = false;
    request.content_receiver = [&](const char* data, std::size_t length, std::uint64_t, std::uint64_t) {
        if (body.size() + length > settings.max_response_bytes) {
            too_long = true;
            return false;
        }
        body.append(data, length);
        return true;
    };
    httplib::Response response;
    httplib::Error error = httplib::Error::Success;
    const bool sent = client.send(request, response, error);
    if (too_long)
        return unexpected<http::FetchError>{http::FetchError{"answer of " + parts->origin + " longer than " +
                                                             std::to_string(settings.max_response_bytes) + " bytes"}};
    if (!sent)
        return unexpected<http::FetchError>{
            http::FetchError{"request to " + parts->origin + " failed: " + httplib::to_string(error)}};
    http::HttpReply reply;
    reply.status = response.status;
    reply.content_type = response.get_header_value("Content-Type");
    reply.body = std::move(body);
    return reply;
}

}  // namespace

std::optional<OutgoingProxy> parse_proxy_url(std::string_view url) {
    if (!url.starts_with("http://")) return std::nullopt;
    auto rest = url.substr(7);
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (rest.substr(slash) != "/") return std::nullopt;
        rest = rest.substr(0, slash);
    }
    OutgoingProxy proxy;
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        auto credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = credentials.find(':');
        auto user = http::percent_decode(credentials.substr(0, colon), http::PlusSign::literal);
        auto password = colon == std::string_view::npos ? std::optional<std::string>("")
                                                        : http::percent_decode(credentials.substr(colon + 1), http::PlusSign::literal);
        if (!user || !password) return std::nullopt;
        proxy.user = std::move(*user);
        proxy.password = std::move(*password);
    }
    auto colon = rest.rfind(':');
    proxy.host = std::string(rest.substr(0, colon));
    proxy.port = 80;
    if (colon != std::string_view::npos) {
        const auto digits = rest.substr(colon + 1);
        if (digits.empty() || digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
        proxy.port = std::stoi(std::string(digits));
        if (proxy.port < 1 || proxy.port > 65535) return std::nullopt;
    }
    if (proxy.host.empty()) return std::nullopt;
    return proxy;
}

bool bypasses_proxy(std::string_view host, const std::vector<std::string>& no_proxy) {
    const auto name = text::lower_ascii(std::string(host));
    for (const auto& entry : no_proxy) {
        auto rule = text::lower_ascii(text::trim(entry));
        if (rule == "*") return true;
        if (auto colon = rule.rfind(':'); colon != std::string::npos && rule.find(']') == std::string::npos &&
                                          rule.find(':') == colon)
            rule.erase(colon);  // a port is ignored
        if (rule.starts_with('.')) rule.erase(0, 1);
        if (rule.empty()) continue;
        if (name == rule) return true;
        if (name.size() > rule.size() && name.ends_with(rule) && name[name.size() - rule.size() - 1] == '.') return true;
    }
    return false;
}

expected<http::HttpReply, http::FetchError> HttplibFetcher::get(const std::string& url,
                                                                const http::HeaderList& headers,
                                                                std::chrono::milliseconds timeout) {
    httplib::Request request;
    request.method = "GET";
    request.headers = to_headers(headers);
    return call(settings_, url, timeout, std::move(request));
}

expected<http::HttpReply, http::FetchError> HttplibFetcher::post(const std::string& url,
                                                                 const http::HeaderList& headers,
                                                                 const std::string& body,
                                                                 const std::string& content_type,
                                                                 std::chrono::milliseconds timeout) {
    httplib::Request request;
    request.method = "POST";
    request.headers = to_headers(headers);
    request.body = body;
    request.set_header("Content-Type", content_type);
    return call(settings_, url, timeout, std::move(request));
}

}  // namespace caf::net
