// What must happen after a login is proved and before its session opens (SPEC.md §3, in this
// order): a new CGU version to accept, a forced password renewal (or the skippable incitation),
// the legacy first connection (§5), the delegation question (§7). Detection reads only the
// account, its dossier and the date, never how the person proved who they are, so a first login
// through FranceConnect goes through the same steps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "storage/accounts.hpp"

namespace caf::account {

enum class PendingStep {
    accept_cgu,                // a CGU version newer than the accepted one
    renew_password,            // forced renewal: the password is older than the cut-off
    suggest_password_renewal,  // the incitation window: "Protégez-vous, modifiez votre mot de passe"
    legacy_first_connection,   // "Votre connexion à Mon Compte change": CGU, new password, contact
    delegation_question,       // "Mes autorisations" once, for the allocataire of a couple (§7)
};

std::string_view to_string(PendingStep step) noexcept;
std::optional<PendingStep> parse_pending_step(std::string_view text) noexcept;

// The dates and version the detection needs, as unix seconds (00:00 UTC of each day).
struct StepRules {
    std::string cgu_version;                     // empty: no CGU to accept
    std::optional<std::int64_t> enforced_from;   // forced renewal from this instant
    std::optional<std::int64_t> changed_before;  // a password changed before this is "old"
    std::optional<std::int64_t> incitation_from;
    std::optional<std::int64_t> incitation_end;  // the day after incitation_until (exclusive)
};

StepRules step_rules(const config::Config& config);

// What the detection needs of the person's dossier (households::Household computes it).
struct DossierFacts {
    bool delegation_question_due = false;  // allocataire of a couple, question never answered
};

// The steps of `account` at `now`, in the order of SPEC.md §3. A legacy account (8-digit
// password, or never accepted any CGU) gets the first connection instead of the CGU and renewal
// steps: its own CGU and new password steps stand for them. A password without a known change
// date counts as old. The delegation question comes last, after any of them.
std::vector<PendingStep> detect_pending_steps(const storage::Account& account, std::int64_t now,
                                              const StepRules& rules, const DossierFacts& dossier = {});

}  // namespace caf::account
