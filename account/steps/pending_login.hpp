// A login proved but not finished (SPEC.md §3): the steps still to go through, a browser-bound
// state (storage/browser_bound_store.hpp) in the `__Host-caf_etapes` cookie. Sealed, so the
// store alone cannot read it (it holds the interaction id, a secret). Short-lived.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "account/session/sso_session.hpp"
#include "account/steps/pending_steps.hpp"
#include "account/verification/verification_code_service.hpp"
#include "storage/browser_bound_store.hpp"

namespace caf::account::steps {

inline constexpr std::string_view cookie_name = "__Host-caf_etapes";
inline constexpr std::string_view steps_path = "/connexion/etapes";
// Long enough for "5 à 10 minutes", short enough that a forgotten tab is worth nothing.
inline constexpr std::chrono::seconds pending_lifetime{30 * 60};

// The pages, in the order they are shown. A PendingStep becomes one or several stages.
enum class Stage {
    legacy_intro,     // "Votre connexion à Mon Compte change" — 3 étapes
    cgu,              // "Conditions générales d'utilisation"
    forced_renewal,   // the password is too old: a new one before going on
    incitation,       // "Protégez-vous, modifiez votre mot de passe" — Modifier / Plus tard
    chosen_renewal,   // the person chose "Modifier mon mot de passe" on the incitation
    legacy_password,  // "Choisir son mot de passe" of the first connection
    contact,          // "Coordonnées de contact": channel, code ("Passer cette étape" allowed)
    delegation,       // "Mes autorisations": Oui / Non, "Passer"
};

std::string_view to_string(Stage stage) noexcept;
std::optional<Stage> parse_stage(std::string_view text) noexcept;

// The stages of the detected steps, in SPEC.md §3 order.
std::vector<Stage> stages_of(const std::vector<PendingStep>& steps);

struct PendingLogin {
    std::int64_t account_id = 0;
    std::optional<std::string> interaction_id;
    std::optional<std::string> client_id;
    std::vector<std::string> amr;
    std::string acr;
    std::int64_t auth_time = 0;   // when the password (or the provider) proved the person
    std::string method = "pwd";   // for the history
    std::optional<session::UpstreamLogin> upstream;  // proved by FranceConnect or another provider
    std::vector<Stage> stages;    // still to do; the first one is the page shown
    bool legacy = false;          // the first connection: its confirmation message at the end
    // The contact stage: the code sent, and the channel confirmed by it.
    std::optional<std::int64_t> code_id;
    std::optional<CodeChannel> code_channel;
    std::optional<CodeChannel> confirmed_channel;
    // The forced renewal: a code sent to a known contact was entered (the old password alone
    // proves nothing, it is presumed leaked), so the new password may be chosen.
    bool renewal_proved = false;
    // The delegation question answered Oui (true) or Non: its confirmation at the end.
    std::optional<bool> delegation_answer;
    std::int64_t expires_at = 0;

    bool done() const { return stages.empty(); }
    std::optional<Stage> current() const { return stages.empty() ? std::nullopt : std::optional(stages.front()); }
    // The current stage is done: on to the next.
    void advance() {
        if (!stages.empty()) stages.erase(stages.begin());
    }
};

void to_json(nlohmann::json& j, const PendingLogin& login);
void from_json(const nlohmann::json& j, PendingLogin& login);

inline constexpr storage::BrowserBoundKind pending_kind{"pending-login", "caf-connect pending login", cookie_name,
                                                        pending_lifetime};
using PendingLogins = storage::BrowserBoundStore<PendingLogin, pending_kind>;
using LoadedLogin = storage::BrowserBound<PendingLogin>;

}  // namespace caf::account::steps
