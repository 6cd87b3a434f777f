// CSRF protection for every form: a random value in a `__Host-` cookie and, in the form, an HMAC of
// it bound to the form's purpose. A cross-site page can neither read the cookie nor forge the MAC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/http.hpp"
#include "core/random.hpp"

namespace caf {

class CsrfGuard {
public:
    static constexpr std::string_view cookie_name = "__Host-caf_csrf";
    static constexpr std::string_view field_name = "csrf";

    // `secret`: at least 32 bytes, the same on every node.
    CsrfGuard(std::string secret, Random& random) : secret_(std::move(secret)), random_(random) {}

    struct Issued {
        std::string token;                      // goes in the form's hidden field
        std::optional<std::string> set_cookie;  // a Set-Cookie value when the browser had none
    };
    // The token for a form of `purpose` ("login", "consent", ...), reusing the browser's cookie.
    Issued issue(const http::Request& request, std::string_view purpose) const;
    // True when the posted field matches the cookie for that purpose (constant time).
    bool verify(const http::Request& request, std::string_view purpose) const;

    // Adds the Set-Cookie of `issued` to a response, if any.
    static void apply(const Issued& issued, http::Response& response);

private:
    std::string mac(std::string_view cookie, std::string_view purpose) const;

    std::string secret_;
    Random& random_;
};

}  // namespace caf
