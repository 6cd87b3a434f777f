// The wizard of "Créer Mon Compte" in progress (SPEC.md §4): a browser-bound state (cookie
// `__Host-caf_creation`, storage/browser_bound_store.hpp). It expires; an abandoned creation
// leaves nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "account/linking/pending_external_identity.hpp"
#include "account/verification/verification_code_service.hpp"
#include "storage/browser_bound_store.hpp"

namespace caf::account::creation {

inline constexpr std::string_view cookie_name = "__Host-caf_creation";

// The pages of the wizard, in order.
enum class Stage { civil_status, identity_document, contact, password, recap };
std::string_view to_string(Stage stage) noexcept;  // "etat-civil", "piece-identite", ...
std::optional<Stage> parse_stage(std::string_view text) noexcept;

struct CreationDraft {
    Stage stage = Stage::civil_status;
    std::optional<std::string> interaction_id;  // prompt=create: the creation ends logged in there
    nlohmann::json civil_status;                // to_json(CivilStatusEntry) once step 1 is done
    // {"type","number","issued_on"} of the document, or {"none": true} for "Je ne dispose pas
    // d'une pièce d'identité française", or null when skipped (optional with a NIR).
    nlohmann::json identity_document;
    bool documents_required = false;
    // Step 2: the contact typed, the code sent for it, and whether it was confirmed.
    std::optional<CodeChannel> channel;
    std::string contact;
    std::optional<std::int64_t> code_id;
    bool contact_verified = false;
    // Once the account exists (stage recap): what the recap shows.
    std::optional<std::int64_t> account_id;
    std::string identifier;  // canonical NIR or "P33392250"
    // Started from an external identity that matched no account (SPEC.md §8 step 3): the pivot's
    // fields are locked, and the account is linked to it and logged in through it when created.
    std::optional<linking::PendingExternalIdentity> external;
    std::string external_pending_id;  // that identity's pending draft, removed with the creation
    std::int64_t expires_at = 0;
};

void to_json(nlohmann::json& j, const CreationDraft& draft);
void from_json(const nlohmann::json& j, CreationDraft& draft);

inline constexpr storage::BrowserBoundKind draft_kind{"creation", "caf-connect creation draft", cookie_name};
using CreationDrafts = storage::BrowserBoundStore<CreationDraft, draft_kind>;
using LoadedDraft = storage::BrowserBound<CreationDraft>;

// "creation:<hex digest>": the subject of the draft's verification codes.
std::string code_subject(std::string_view id);

}  // namespace caf::account::creation
