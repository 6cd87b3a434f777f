// Parsing of the login form's identifier field.
#include "account/identifiers/login_identifier.hpp"

namespace caf::account {

std::string_view message(const LoginIdentifierError& error) noexcept {
    return std::visit([](auto e) { return message(e); }, error);
}

expected<LoginIdentifier, LoginIdentifierError> parse_login_identifier(std::string_view typed) {
    const auto first = typed.find_first_not_of(" \t");
    if (first != std::string_view::npos && (typed[first] == 'P' || typed[first] == 'p')) {
        auto id = ProvisionalId::parse(typed);
        if (!id) return unexpected<LoginIdentifierError>{id.error()};
        return LoginIdentifier{std::move(*id)};
    }
    auto nir = Nir::parse(typed);
    if (!nir) return unexpected<LoginIdentifierError>{nir.error()};
    return LoginIdentifier{std::move(*nir)};
}

const std::string& canonical(const LoginIdentifier& identifier) noexcept {
    if (const auto* nir = std::get_if<Nir>(&identifier)) return nir->canonical();
    return std::get<ProvisionalId>(identifier).str();
}

}  // namespace caf::account
