// An identity proved by FranceConnect (or another configured provider) that matched no CAF
// account automatically (SPEC.md §8, step 3): kept server-side for this browser only, while the
// person chooses "J'ai déjà un compte" (NIR + password once, then linked) or "Créer mon compte"
// (the creation wizard prefilled with the pivot, those fields locked). Same sealed-draft
// mechanism as the creation wizard (account/browser_draft.hpp), cookie `__Host-caf_external`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "account/identity/person_record.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "core/random.hpp"
#include "storage/database.hpp"

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

nlohmann::json to_json(const PendingExternalIdentity& identity);
std::optional<PendingExternalIdentity> pending_external_identity_from_json(const nlohmann::json& json);

struct LoadedExternalIdentity {
    std::string id;  // the cookie's value
    PendingExternalIdentity identity;
};

class PendingExternalIdentities {
public:
    PendingExternalIdentities(storage::Database& db, Random& random, std::chrono::seconds lifetime)
        : db_(db), random_(random), lifetime_(lifetime) {}

    // Stores it (expiring `lifetime` from now) and returns the Set-Cookie value.
    std::string start(PendingExternalIdentity identity, TimePoint now);
    // The browser's pending identity; nullopt without a cookie, or when unknown, expired or tampered.
    std::optional<LoadedExternalIdentity> load(const http::Request& request, TimePoint now);
    // Single use: removed in the transaction that links or creates.
    void remove(storage::Connection& c, const std::string& id);

    static std::string clearing_cookie();

private:
    storage::Database& db_;
    Random& random_;
    std::chrono::seconds lifetime_;
};

}  // namespace caf::account::linking
