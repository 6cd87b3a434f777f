// mysql:// URL parsing.
#include "storage/url.hpp"

#include <charconv>

#include "core/http.hpp"
#include "storage/error.hpp"

namespace caf::storage {

namespace {
[[noreturn]] void malformed(const char* why) {
    throw StoreError(ErrorKind::other, std::string("malformed mysql URL: ") + why);
}

// Userinfo and database name: '+' is itself, a malformed escape is fatal.
std::string url_component(std::string_view text) {
    auto decoded = http::percent_decode(text, http::PlusSign::literal);
    if (!decoded) malformed("bad %-escape");
    return std::move(*decoded);
}
}  // namespace

MysqlUrl parse_mysql_url(std::string_view url) {
    MysqlUrl out;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) malformed("no scheme");
    std::string_view rest = url.substr(scheme_end + 3);
    // Query parameters are not used; drop them.
    if (auto q = rest.find('?'); q != std::string_view::npos) rest = rest.substr(0, q);
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) out.database = url_component(rest.substr(slash + 1));
    // The password may contain '@' only percent-encoded, but take the last '@' to be lenient.
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const auto colon = userinfo.find(':');
        out.user = url_component(userinfo.substr(0, colon));
        if (colon != std::string_view::npos) out.password = url_component(userinfo.substr(colon + 1));
    }
    std::string_view port_text;
    if (authority.starts_with('[')) {  // [IPv6]:port
        const auto close = authority.find(']');
        if (close == std::string_view::npos) malformed("unclosed [");
        out.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (after.starts_with(':')) port_text = after.substr(1);
        else if (!after.empty()) malformed("text after ]");
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (out.host.empty()) malformed("no host");
    if (!port_text.empty()) {
        auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), out.port);
        if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || out.port <= 0 ||
            out.port > 65535) {
            malformed("bad port");
        }
    }
    if (out.database.find('/') != std::string::npos) malformed("database name with '/'");
    return out;
}

}  // namespace caf::storage
