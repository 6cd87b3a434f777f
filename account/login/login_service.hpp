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
#include "account/password/password_hasher.hpp"
#include "account/personal_data/personal_data_protector.hpp"
#include "core/clock.hpp"
#include "storage/database.hpp"

namespace caf::account::password_login {

// What must happen after the password check and before the session is complete (SPEC.md §3, in
// this order). Nothing is detected yet: the CGU, forced renewal, legacy first connection and
// delegation issues add their detection in LoginService::pending_steps and their pages after
// the login handler.
enum class PendingStep { accept_cgu, renew_password, legacy_first_connection, delegation_question };

struct Authenticated {
    std::int64_t account_id = 0;
    LoginIdentifier identifier;  // the canonical identifier, for "Se souvenir de moi"
    std::vector<PendingStep> pending;
};

// Wrong password, unknown identifier, or an account that cannot log in: one answer for all.
struct WrongCredentials {
    int attempts_left = 0;
    // Seam (lockout issue): the next attempt must show the captcha ("Vérification de sécurité").
    bool captcha_required = false;
    LoginIdentifierKind kind = LoginIdentifierKind::nir;
};

struct Frozen {
    std::chrono::seconds remaining{0};
    // True when this very attempt froze the identifier. Seam (lockout issue): send the freeze
    // notice by mail or SMS to `account_to_notify` when set.
    bool newly_frozen = false;
    std::optional<std::int64_t> account_to_notify;
};

// The identifier field is malformed: its French message, shown on the field.
struct InvalidIdentifier {
    std::string message;
};

// Nothing typed in the password field: said on the field, no attempt counted.
struct MissingPassword {
    std::string message;
};

using LoginOutcome = std::variant<Authenticated, WrongCredentials, Frozen, InvalidIdentifier, MissingPassword>;

// The lockout key of an identifier: its keyed HMAC, the same value whether or not an account
// has that identifier, so unknown identifiers are counted like known ones.
std::string lockout_key(const PersonalDataProtector& protector, const LoginIdentifier& identifier);

class LoginService {
public:
    LoginService(storage::Database& db, const PersonalDataProtector& protector, const PasswordHasher& hasher,
                 const LockoutPolicy& lockout)
        : db_(db), protector_(protector), hasher_(hasher), lockout_(lockout) {}

    // One login attempt at `now`. Blocking: store calls and Argon2id (run it on the worker pool).
    // Audits "login.failure" (account id only, when there is one); the caller audits the success
    // with the session it opens.
    LoginOutcome attempt(const LoginForm& form, TimePoint now) const;

private:
    std::vector<PendingStep> pending_steps(std::int64_t account_id) const;

    storage::Database& db_;
    const PersonalDataProtector& protector_;
    const PasswordHasher& hasher_;
    const LockoutPolicy& lockout_;
};

}  // namespace caf::account::password_login
