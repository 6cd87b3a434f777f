// Neutral HTTP helpers: header lookup, urlencoded parsing, cookies and response builders.
#include "core/http.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace caf::http {
namespace {

using text::iequals;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Response with_body(int status, std::string content_type, std::string body) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", std::move(content_type));
    r.body = std::move(body);
    return r;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, PlusSign plus) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plus == PlusSign::space) {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi << 4 | lo);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
    for (const auto& [n, v] : fields_)
        if (iequals(n, name)) return std::string_view(v);
    return std::nullopt;
}

std::optional<std::string> Headers::combined(std::string_view name) const {
    std::optional<std::string> joined;
    for (const auto& [n, v] : fields_) {
        if (!iequals(n, name)) continue;
        if (joined) joined->append(", ").append(v);
        else joined = v;
    }
    return joined;
}

void Headers::set(std::string name, std::string value) {
    std::erase_if(fields_, [&](const auto& f) { return iequals(f.first, name); });
    fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

std::optional<Params> parse_urlencoded(std::string_view text) {
    Params params;
    while (!text.empty()) {
        auto amp = text.find('&');
        std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq));
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!name || !value) return std::nullopt;
        params.emplace_back(std::move(*name), std::move(*value));
    }
    return params;
}

std::string url_encode(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::string encode_params(const Params& params) {
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) out += '&';
        out += url_encode(name);
        out += '=';
        out += url_encode(value);
    }
    return out;
}

std::optional<std::string> find_param(const Params& params, std::string_view name) {
    for (const auto& [n, v] : params)
        if (n == name) return v;
    return std::nullopt;
}

std::vector<std::string> find_params(const Params& params, std::string_view name) {
    std::vector<std::string> values;
    for (const auto& [n, v] : params)
        if (n == name) values.push_back(v);
    return values;
}

bool is_repeated(const Params& params, std::string_view name) {
    return std::count_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; }) > 1;
}

Params Request::query_params() const { return parse_urlencoded(query).value_or(Params{}); }

const Params& Request::form_params() const {
    if (!form_) {
        const bool is_form = media_type(header("Content-Type").value_or("")) == "application/x-www-form-urlencoded";
        form_ = is_form ? parse_urlencoded(body).value_or(Params{}) : Params{};
    }
    return *form_;
}

std::optional<std::string> Request::cookie(std::string_view name) const {
    for (const auto& [n, v] : headers.fields()) {
        if (!iequals(n, "Cookie")) continue;
        std::string_view rest = v;
        while (!rest.empty()) {
            auto semi = rest.find(';');
            std::string_view pair = rest.substr(0, semi);
            rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            auto eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
        }
    }
    return std::nullopt;
}

Response Response::text(int status, std::string body) {
    return with_body(status, "text/plain; charset=utf-8", std::move(body));
}
Response Response::html(int status, std::string body) {
    return with_body(status, "text/html; charset=utf-8", std::move(body));
}
Response Response::json(int status, std::string body) {
    return with_body(status, "application/json", std::move(body));
}
Response Response::redirect(std::string location, int status) {
    Response r;
    r.status = status;
    r.headers.set("Location", std::move(location));
    return r;
}
Response Response::empty(int status) {
    Response r;
    r.status = status;
    return r;
}

std::string set_cookie_value(std::string_view name, std::string_view value, const CookieOptions& options) {
    std::string out;
    out.append(name).append("=").append(value);
    out.append("; Path=").append(options.path);
    if (options.max_age_seconds) out.append("; Max-Age=").append(std::to_string(*options.max_age_seconds));
    if (options.secure) out.append("; Secure");
    if (options.http_only) out.append("; HttpOnly");
    if (!options.same_site.empty()) out.append("; SameSite=").append(options.same_site);
    return out;
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 201: return "Created";
        case 204: return "No Content";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 413: return "Payload Too Large";
        case 415: return "Unsupported Media Type";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        default: return "";
    }
}

std::optional<UrlParts> split_http_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const auto scheme = url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") return std::nullopt;
    const auto path_start = url.find('/', scheme_end + 3);
    UrlParts parts{std::string(url.substr(0, path_start)),
                   path_start == std::string_view::npos ? std::string("/") : std::string(url.substr(path_start))};
    if (parts.origin.size() == scheme_end + 3) return std::nullopt;
    return parts;
}

std::string media_type(std::string_view content_type) {
    return text::lower_ascii(text::trim(content_type.substr(0, content_type.find(';'))));
}

}  // namespace caf::http
