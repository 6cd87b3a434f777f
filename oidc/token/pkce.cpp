// PKCE S256 verification.
#include "oidc/token/pkce.hpp"

#include <cctype>

#include "core/crypto.hpp"

namespace caf::oidc::token {

bool is_well_formed_verifier(std::string_view verifier) {
    if (verifier.size() < 43 || verifier.size() > 128) return false;
    for (char c : verifier) {
        bool unreserved = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
        if (!unreserved) return false;
    }
    return true;
}

bool verifier_matches_s256(std::string_view verifier, std::string_view challenge) {
    return crypto::constant_time_equal(crypto::base64url_encode(crypto::sha256(verifier)), challenge);
}

}  // namespace caf::oidc::token
