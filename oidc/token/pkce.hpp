// Proof Key for Code Exchange at the token endpoint (RFC 7636 §4.6, S256 only: `plain` is refused
// at /authorize and never stored).
#pragma once

#include <string_view>

namespace caf::oidc::token {

// 43 to 128 characters of [A-Z a-z 0-9 - . _ ~] (RFC 7636 §4.1).
bool is_well_formed_verifier(std::string_view verifier);
// BASE64URL(SHA256(verifier)) == challenge, compared in constant time.
bool verifier_matches_s256(std::string_view verifier, std::string_view challenge);

}  // namespace caf::oidc::token
