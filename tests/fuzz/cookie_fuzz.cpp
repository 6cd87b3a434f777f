// The Cookie header (the SSO session, the CSRF token, the browser-bound drafts): lookups by
// name over one or several Cookie fields, and Set-Cookie → Cookie round trips.
#include "core/http.hpp"
#include "fuzz_support.hpp"

using namespace caf;

namespace {

bool is_cookie_octet(char c) {
    // RFC 6265 cookie-octet, which is also what our own cookie values are made of.
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = fuzz::fields(fuzz::as_text(data, size), 3);

    http::Request request;
    request.headers.add("Host", "connect.caf.example");
    request.headers.add("Cookie", std::string(parts[0]));
    if (!parts[1].empty()) request.headers.add("cookie", std::string(parts[1]));
    for (std::string_view name : {std::string_view("__Host-caf_sso"), std::string_view("__Host-caf_csrf"), std::string_view(""),
                                  std::string_view("="), parts[2]}) {
        if (auto value = request.cookie(name)) FUZZ_CHECK(value->find(';') == std::string::npos);
    }

    // What we set is what we read back, wherever it sits among the browser's other cookies.
    std::string name, value;
    for (char c : parts[2]) {
        if (!is_cookie_octet(c)) continue;
        if (c != '=' && name.size() < 32) name += c;
        else value += c;
    }
    if (name.empty()) return 0;
    const std::string set = http::set_cookie_value(name, value);
    const std::string pair = set.substr(0, set.find(';'));
    FUZZ_CHECK(pair == name + "=" + value);
    http::Request browser;
    browser.headers.add("Cookie", "lang=fr; " + pair + "; theme=sombre");
    const auto read = browser.cookie(name);
    if (name != "lang" && name != "theme") {
        FUZZ_CHECK(read.has_value());
        FUZZ_CHECK(*read == value);
    }
    return 0;
}
