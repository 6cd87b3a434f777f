// Signed double-submit CSRF tokens.
#include "core/csrf.hpp"

#include "core/crypto.hpp"

namespace caf {

std::string CsrfGuard::mac(std::string_view cookie, std::string_view purpose) const {
    std::string message(purpose);
    message += '\n';
    message += cookie;
    return crypto::base64url_encode(crypto::hmac_sha256(secret_, message));
}

CsrfGuard::Issued CsrfGuard::issue(const http::Request& request, std::string_view purpose) const {
    Issued issued;
    auto cookie = request.cookie(cookie_name);
    if (!cookie || cookie->size() < 32) {
        cookie = random_token(random_, 32);
        issued.set_cookie = http::set_cookie_value(cookie_name, *cookie);
    }
    issued.token = mac(*cookie, purpose);
    return issued;
}

bool CsrfGuard::verify(const http::Request& request, std::string_view purpose) const {
    auto cookie = request.cookie(cookie_name);
    auto posted = http::find_param(request.form_params(), field_name);
    if (!cookie || cookie->size() < 32 || !posted) return false;
    return crypto::constant_time_equal(mac(*cookie, purpose), *posted);
}

void CsrfGuard::apply(const Issued& issued, http::Response& response) {
    if (issued.set_cookie) response.headers.add("Set-Cookie", *issued.set_cookie);
}

}  // namespace caf
