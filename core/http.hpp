// The neutral HTTP types: modules take a Request and return a Response and never see Beast.
// server/ converts Beast messages to and from these.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace caf::http {

// Ordered name/value pairs; names compare case-insensitively.
class Headers {
public:
    // The first field of that name. For a list-valued field that a proxy may repeat
    // (X-Forwarded-For), use combined().
    std::optional<std::string_view> get(std::string_view name) const;
    // Every field of that name, in order, joined with ", " as RFC 9110 §5.3 combines repeated
    // fields; nullopt when there is none.
    std::optional<std::string> combined(std::string_view name) const;
    void set(std::string name, std::string value);  // replaces every field of that name
    void add(std::string name, std::string value);  // keeps others (Set-Cookie)
    bool contains(std::string_view name) const { return get(name).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

// Decoded key/value pairs in their original order (OAuth refuses repeated parameters, so they
// are kept rather than merged).
using Params = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded or a query string; nullopt on malformed percent-encoding.
std::optional<Params> parse_urlencoded(std::string_view text);
// How '+' reads: a space in form bodies and query strings (the default), itself in a URL path
// or userinfo.
enum class PlusSign { space, literal };
// One percent-encoded component; nullopt on malformed percent-encoding.
std::optional<std::string> percent_decode(std::string_view text, PlusSign plus = PlusSign::space);
std::string url_encode(std::string_view text);
std::string encode_params(const Params& params);
// The first value of `name`, if any.
std::optional<std::string> find_param(const Params& params, std::string_view name);
// Every value of `name`, in order (a parameter a spec allows to repeat, e.g. RFC 8707 `resource`).
std::vector<std::string> find_params(const Params& params, std::string_view name);
// True when `name` appears more than once.
bool is_repeated(const Params& params, std::string_view name);

struct Request {
    std::string method;  // upper case: GET, POST, ...
    std::string target;  // as received: path and query
    std::string path;    // target without the query
    std::string query;   // raw query, without '?'
    Headers headers;
    std::string body;
    // Where the body is instead, for a route that asked for it (LargeBody::to_file): a temporary
    // file that lives as long as the request is served.
    std::optional<std::filesystem::path> body_file;
    std::string remote_address;  // peer IP as text
    std::string request_id;      // set by the server, echoed in logs and X-Request-Id
    bool secure = false;         // TLS, or a trusted proxy said so

    std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
    // The query string parsed (empty on malformed encoding).
    Params query_params() const;
    // The body parsed as a form when its content type says so (empty otherwise or malformed).
    // Parsed on the first call and kept: the body does not change while the request is handled,
    // and the CSRF check, the captcha and the handler all read the same form.
    const Params& form_params() const;
    std::optional<std::string> cookie(std::string_view name) const;

private:
    mutable std::optional<Params> form_;
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;

    static Response text(int status, std::string body);
    static Response html(int status, std::string body);
    static Response json(int status, std::string body);
    // 302 by default; 303 after a POST.
    static Response redirect(std::string location, int status = 302);
    static Response empty(int status);
};

// Attributes of a Set-Cookie; defaults are the strict ones of DESIGN.md (a `__Host-` cookie).
struct CookieOptions {
    bool secure = true;
    bool http_only = true;
    std::string same_site = "Lax";
    std::string path = "/";
    std::optional<long long> max_age_seconds;  // session cookie when absent
};
std::string set_cookie_value(std::string_view name, std::string_view value,
                             const CookieOptions& options = {});

std::string_view reason_phrase(int status);

// The media type of a Content-Type value, lower case and without its parameters:
// "Application/JSON; charset=utf-8" gives "application/json".
std::string media_type(std::string_view content_type);

// An absolute http(s) URL split for an HTTP client: origin "https://host:port" and path "/p?q"
// ("/" when empty). Nullopt for another scheme or no host.
struct UrlParts {
    std::string origin;
    std::string path;
};
std::optional<UrlParts> split_http_url(std::string_view url);

}  // namespace caf::http
