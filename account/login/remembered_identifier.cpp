// The remembered identifier cookie: "n." or "p." then the sealed canonical identifier, base64url.
#include "account/login/remembered_identifier.hpp"

#include "core/crypto.hpp"

namespace caf::account {

std::string remember_identifier_cookie(const PersonalDataProtector& protector, const LoginIdentifier& identifier) {
    const bool nir = std::holds_alternative<Nir>(identifier);
    const auto kind = nir ? PersonalDataKind::nir : PersonalDataKind::provisional_id;
    std::string value = nir ? "n." : "p.";
    value += crypto::base64url_encode(protector.seal_for_browser(kind, canonical(identifier)));
    http::CookieOptions options;
    options.max_age_seconds = remembered_identifier_max_age.count();
    return http::set_cookie_value(remembered_identifier_cookie_name, value, options);
}

std::string forget_identifier_cookie() {
    http::CookieOptions options;
    options.max_age_seconds = 0;
    return http::set_cookie_value(remembered_identifier_cookie_name, "", options);
}

std::optional<LoginIdentifier> remembered_identifier(const PersonalDataProtector& protector,
                                                     const http::Request& request) {
    auto value = request.cookie(remembered_identifier_cookie_name);
    if (!value || value->size() < 3 || value->size() > 512 || (*value)[1] != '.') return std::nullopt;
    PersonalDataKind kind;
    if ((*value)[0] == 'n') kind = PersonalDataKind::nir;
    else if ((*value)[0] == 'p') kind = PersonalDataKind::provisional_id;
    else return std::nullopt;
    auto sealed = crypto::base64url_decode(std::string_view(*value).substr(2));
    if (!sealed) return std::nullopt;
    auto text = protector.open_from_browser(kind, *sealed);
    if (!text) return std::nullopt;
    auto parsed = parse_login_identifier(*text);
    if (!parsed) return std::nullopt;
    return std::move(*parsed);
}

}  // namespace caf::account
