// An identity proved by FranceConnect (or another configured provider) that matched no CAF
// account automatically (SPEC.md §8, step 3): kept server-side for this browser only, while the
// person chooses "J'ai déjà un compte" (NIR + password once, then linked) or "Créer mon compte"
// (the creation wizard prefilled with the pivot, those fields locked). A browser-bound state
// (storage/browser_bound_store.hpp), cookie `__Host-caf_external`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "account/identity/person_record.hpp"
#include "storage/browser_bound_store.hpp"

namespace caf::account::linking {

inline constexpr std::string_view cookie_name = "__Host-caf_external";
// The choice page the provider callback redirects to when no account matched.
inline constexpr std::string_view choice_path = "/connexion/rattacher";

struct PendingExternalIdentity {
    std::string provider;        // configured provider name, e.g. "franceconnect"
    std::string provider_label;  // shown to the person, e.g. "FranceConnect"
    std::string subject;         // the provider's sub (pairwise)
    PersonRecord person;         // the identity pivot
    std::optional<std::string> verified_nir;  // canonical 13 digits, when the provider vouches for one
    std::optional<std::string> email;         // contact data: prefill only, never an identifier
    std::string acr;
    std::vector<std::string> amr;
    std::string id_token;                     // raw, kept for the chained logout
    std::optional<std::string> interaction_id;
    std::optional<std::string> client_id;     // of the interaction, for the audit entry
    std::int64_t expires_at = 0;
};

void to_json(nlohmann::json& j, const PendingExternalIdentity& identity);
void from_json(const nlohmann::json& j, PendingExternalIdentity& identity);

// Found by one derivation of the id, opened with another: the store alone cannot read the pivot,
// the e-mail or the provider's ID token.
inline constexpr std::chrono::seconds pending_lifetime{30 * 60};
inline constexpr storage::BrowserBoundKind pending_kind{"external-identity", "caf-connect pending external identity",
                                                        cookie_name, pending_lifetime};
using PendingExternalIdentities = storage::BrowserBoundStore<PendingExternalIdentity, pending_kind>;
using LoadedExternalIdentity = storage::BrowserBound<PendingExternalIdentity>;

}  // namespace caf::account::linking
