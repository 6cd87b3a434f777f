// "Créer Mon Compte" (SPEC.md §4): the wizard's routes.
#pragma once

#include <chrono>

#include "account/web/account_context.hpp"
#include "core/router.hpp"

namespace caf::account {

namespace creation {
class IdentityDocumentVerifier;
}

// What one address, or one contact, may ask of the wizard in a fixed one-hour window (storage
// rate_limits, shared by every node): step 1 tells whether a NIR has an account, and every code
// sent costs an SMS and lands in someone's inbox.
struct CreationLimits {
    std::int64_t window_seconds = 3600;
    std::int64_t civil_status_per_address = 20;  // step 1 submissions from one address
    std::int64_t codes_per_address = 10;         // codes sent (first sends and resends) from one address
    std::int64_t codes_per_destination = 5;      // codes sent to one mail address or mobile number
};

struct CreationSettings {
    int minimum_age = 15;                          // SPEC.md §4: members of a household aged 15 or more
    std::chrono::seconds draft_lifetime{60 * 60};  // "5 à 10 minutes", with room for a slow SMS
    CreationLimits limits;
};

// Registers, on `router` (every route blocking: store, Argon2id, captcha):
//   GET  /creer-mon-compte            intro "3 étapes et 5 à 10 minutes" (?interaction=ID)
//   POST /creer-mon-compte            "Commencer": a new draft, cookie __Host-caf_creation
//   GET  /creer-mon-compte/etape      the draft's current page
//   POST /creer-mon-compte/etape      the current page's form
//   POST /creer-mon-compte/quitter    "Quitter": the draft is dropped
// The context's captcha (without NIR) and code service (contact step) are used when set; a
// format-only verifier checks identity documents unless `verifier` is given (it must outlive
// the router).
void register_creation_routes(http::Router& router, AccountContext& context);
void register_creation_routes(http::Router& router, AccountContext& context, CreationSettings settings,
                              creation::IdentityDocumentVerifier* verifier = nullptr);

}  // namespace caf::account
