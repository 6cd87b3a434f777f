// The body of a back-channel POST (token, introspection, revocation): a form, each parameter at
// most once (RFC 6749 §3.2; `resource` may repeat, RFC 8707), decoded strictly — an error names what is wrong for error_description.
#pragma once

#include <string>

#include "core/expected.hpp"
#include "core/http.hpp"

namespace caf::oidc::client_auth {

expected<http::Params, std::string> parse_form_body(const http::Request& request);

}  // namespace caf::oidc::client_auth
