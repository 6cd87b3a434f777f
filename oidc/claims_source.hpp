// What the provider needs to know about a person, without knowing how accounts are kept: the
// claims a scope releases. account/ provides the data; the composition root adapts it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace caf::oidc {

struct ClaimsSource {
    virtual ~ClaimsSource() = default;
    // The claims of `account_id` released by `scopes` (OIDC Core §5.4):
    //   profile → given_name, family_name, birthdate, gender, preferred_username (usage name),
    //             birthplace, birthcountry
    //   email   → email, email_verified;  phone → phone_number, phone_number_verified
    //   caf_dossier → caf_dossier: numero, role, delegation, permissions (SPEC.md §7)
    // plus "caf_nir" (the NIR) when `include_nir`: at userinfo, for a client allowed it (nir_claim)
    // under the caf_nir scope, never for an ID token. Never "sub": the provider computes it.
    // Nullopt when the account no longer exists or is disabled.
    virtual std::optional<nlohmann::json> claims(std::int64_t account_id, const std::vector<std::string>& scopes,
                                                 bool include_nir) = 0;
};

}  // namespace caf::oidc
