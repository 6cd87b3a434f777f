// The native login rule (SPEC.md §3): identifier + password against the account, the lockout
// per identifier, the same work and the same answer whether or not the identifier has an account.
// No HTTP here: the handler reads the form, calls attempt() and renders the outcome.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "account/identifiers/login_identifier.hpp"
#include "account/lockout/lockout_messages.hpp"
#include "account/lockout/lockout_policy.hpp"
#include "account/login/login_form.hpp"
#include "account/captcha/captcha.hpp"
#include "account/password/password_hasher.hpp"
#include "account/steps/pending_steps.hpp"
#include "core/personal_data_protector.hpp"
#include "core/clock.hpp"
#include "storage/accounts.hpp"
#include "storage/database.hpp"

namespace caf::account::password_login {

// What must happen after the password check and before the session is complete: see
// account/steps/pending_steps.hpp (CGU, forced renewal, legacy first connection, delegation).
using PendingStep = caf::account::PendingStep;

struct Authenticated {
    std::int64_t account_id = 0;
    LoginIdentifier identifier;  // the canonical identifier, for "Se souvenir de moi"
    std::vector<PendingStep> pending;
};

// Wrong password, unknown identifier, or an account that cannot log in: one answer for all.
struct WrongCredentials {
    int attempts_left = 0;
    // The next attempt must show the captcha ("Vérification de sécurité").
    bool captcha_required = false;
    LoginIdentifierKind kind = LoginIdentifierKind::nir;
};

struct Frozen {
    std::chrono::seconds remaining{0};
    // True when this very attempt froze the identifier; the freeze notice to the account's known
    // contacts was queued in the same transaction (`notices_queued` of them).
    bool newly_frozen = false;
    std::optional<std::int64_t> account_to_notify;
    int notices_queued = 0;
};

// The identifier field is malformed: its French message, shown on the field.
struct InvalidIdentifier {
    std::string message;
};

// Nothing typed in the password field: said on the field, no attempt counted.
struct MissingPassword {
    std::string message;
};

// The captcha was required and is missing or wrong: refused before the password is checked, not
// counted as a failure; the page shows a fresh challenge.
struct CaptchaRefused {
    bool missing = false;  // nothing typed (else: wrong, expired, already used or another form's)
    int attempts_left = 0;
    LoginIdentifierKind kind = LoginIdentifierKind::nir;
};

using LoginOutcome =
    std::variant<Authenticated, WrongCredentials, Frozen, InvalidIdentifier, MissingPassword, CaptchaRefused>;

// "Veuillez saisir les caractères de l'image." / "Les caractères saisis ne correspondent pas à
// l'image. Veuillez recommencer avec la nouvelle image."
std::string captcha_message(bool missing);

// The lockout key of an identifier: its keyed HMAC, the same value whether or not an account
// has that identifier, so unknown identifiers are counted like known ones.
std::string lockout_key(const PersonalDataProtector& protector, const LoginIdentifier& identifier);

class LoginService {
public:
    // `captcha`: checks the answer once the lockout asks for it; without one (tests of the rule
    // alone) no captcha is asked. `steps`: the pending-step rules; without them none is detected.
    LoginService(storage::Database& db, const PersonalDataProtector& protector, const PasswordHasher& hasher,
                 const LockoutPolicy& lockout, CaptchaProvider* captcha = nullptr, const StepRules* steps = nullptr)
        : db_(db), protector_(protector), hasher_(hasher), lockout_(lockout), captcha_(captcha), steps_(steps) {}

    // One login attempt at `now`. Blocking: store calls and Argon2id (run it on the worker pool).
    // Audits "login.failure" (account id only, when there is one); the caller audits the success
    // with the session it opens. `captcha_binding`: the form's CSRF token, the captcha's binding.
    LoginOutcome attempt(const LoginForm& form, TimePoint now, std::string_view captcha_binding = {}) const;

private:
    std::vector<PendingStep> pending_steps(const storage::Account& account, TimePoint now) const;
    // Queues the freeze notice to every known contact of the account, in the caller's transaction.
    int queue_freeze_notices(storage::Connection& c, const storage::Account& account, std::chrono::seconds frozen_for,
                             TimePoint now) const;

    storage::Database& db_;
    const PersonalDataProtector& protector_;
    const PasswordHasher& hasher_;
    const LockoutPolicy& lockout_;
    CaptchaProvider* captcha_;
    const StepRules* steps_;
};

}  // namespace caf::account::password_login
