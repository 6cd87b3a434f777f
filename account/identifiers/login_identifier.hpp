// What the login form's identifier field holds: a NIR or a provisional identifier.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "account/identifiers/nir.hpp"
#include "account/identifiers/provisional_id.hpp"
#include "core/expected.hpp"

namespace caf::account {

using LoginIdentifier = std::variant<Nir, ProvisionalId>;

// Which of the two the person meant: the error is worded for that field.
using LoginIdentifierError = std::variant<NirError, ProvisionalIdError>;

std::string_view message(const LoginIdentifierError& error) noexcept;

// A leading "P" (either case) means a provisional identifier, anything else is read as a NIR:
// the two never overlap, since a NIR starts with a digit.
expected<LoginIdentifier, LoginIdentifierError> parse_login_identifier(std::string_view typed);

// The canonical text of either kind (the NIR's 13 characters, or "P33392250"): the value the
// store looks accounts up by.
const std::string& canonical(const LoginIdentifier& identifier) noexcept;

}  // namespace caf::account
