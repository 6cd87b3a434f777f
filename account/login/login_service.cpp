// The login attempt: lockout verdict, password check (or the same work for nobody), lockout update.
#include "account/login/login_service.hpp"

#include "account/password/password_policy.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/lockout.hpp"

namespace caf::account::password_login {
namespace {

// The lockout policy's own verdicts, not this module's outcomes of the same names.
using PolicyFrozen = caf::account::Frozen;
using PolicyWrongCredentials = caf::account::WrongCredentials;

LockoutState to_policy(const storage::LockoutState& s) {
    LockoutState out;
    out.failures = static_cast<int>(s.failures);
    out.freeze_count = static_cast<int>(s.freeze_count);
    if (s.frozen_until) out.frozen_until = from_unix_seconds(*s.frozen_until);
    return out;
}

void store_policy(const LockoutState& from, storage::LockoutState& to) {
    to.failures = from.failures;
    to.freeze_count = from.freeze_count;
    to.frozen_until = from.frozen_until ? std::optional<std::int64_t>(to_unix_seconds(*from.frozen_until)) : std::nullopt;
}

LoginIdentifierKind kind_of(const LoginIdentifier& identifier) {
    return std::holds_alternative<Nir>(identifier) ? LoginIdentifierKind::nir : LoginIdentifierKind::provisional_id;
}

storage::NewAuditEntry failure_entry(std::int64_t account_id, std::int64_t now, const char* reason) {
    storage::NewAuditEntry entry;
    entry.at = now;
    entry.actor_type = "account";
    entry.actor_id = std::to_string(account_id);
    entry.action = "login.failure";
    entry.account_id = account_id;
    entry.details = {{"method", "pwd"}, {"reason", reason}};
    return entry;
}

}  // namespace

std::string lockout_key(const PersonalDataProtector& protector, const LoginIdentifier& identifier) {
    const auto kind = std::holds_alternative<Nir>(identifier) ? PersonalDataKind::nir : PersonalDataKind::provisional_id;
    return protector.lookup(kind, canonical(identifier));
}

LoginOutcome LoginService::attempt(const LoginForm& form, TimePoint now) const {
    auto parsed = parse_login_identifier(form.identifier);
    if (!parsed) return InvalidIdentifier{std::string(message(parsed.error()))};
    if (form.password.empty()) return MissingPassword{"Veuillez saisir votre mot de passe."};

    const LoginIdentifier& identifier = *parsed;
    const auto kind = kind_of(identifier);
    const std::string key = lockout_key(protector_, identifier);
    const std::int64_t now_s = to_unix_seconds(now);
    storage::Accounts accounts(db_);
    storage::Lockouts lockouts(db_);
    storage::AuditLog audit(db_);

    // The account and the identifier's lockout state in one snapshot; known and unknown
    // identifiers take exactly the same path from here on.
    std::optional<storage::Account> account;
    storage::LockoutState stored;
    db_.read([&](storage::Connection& c) {
        stored = lockouts.get(c, key);
        account = kind == LoginIdentifierKind::nir
                      ? accounts.find_by_nir_lookup(c, key)
                      : accounts.find_by_provisional_id(c, canonical(identifier));
    });
    const std::optional<std::int64_t> account_id = account ? std::optional(account->id) : std::nullopt;

    // During a freeze the password is not even checked: the right one is refused too.
    const auto verdict = lockout_.evaluate(to_policy(stored), now);
    // Not audited: the freeze itself was, and a write here only for real accounts would make
    // the refusal slower for them than for unknown identifiers.
    if (const auto* frozen = std::get_if<PolicyFrozen>(&verdict)) return Frozen{frozen->remaining, false, std::nullopt};
    // Seam (lockout issue): when evaluate() says captcha_required, the captcha is checked here,
    // before the password, and a missing or wrong answer is its own outcome.

    // Argon2id either way, so the timing does not tell whether the account exists. A password
    // no account could have (too short, absurdly long) is refused without hashing: its length
    // is something the person typed, not something the server knows.
    const bool can_log_in = account && account->status == "active" && account->password_hash.has_value();
    bool verified = false;
    if (acceptable_for_login(form.password)) {
        if (can_log_in) verified = hasher_.verify(form.password, *account->password_hash);
        else hasher_.dummy_verify(form.password);
    }

    if (verified) {
        // Another node may have frozen the identifier since the snapshot: checked again under
        // the row lock, and the counter cleared only if not.
        std::optional<std::chrono::seconds> frozen_meanwhile;
        db_.transaction([&](storage::Connection& c) {
            frozen_meanwhile.reset();
            lockouts.update(c, key, now_s, [&](storage::LockoutState& s) {
                const auto again = lockout_.evaluate(to_policy(s), now);
                if (const auto* f = std::get_if<PolicyFrozen>(&again)) frozen_meanwhile = f->remaining;
            });
            if (!frozen_meanwhile) lockouts.reset(c, key);
        });
        if (frozen_meanwhile) return Frozen{*frozen_meanwhile, false, std::nullopt};

        // New Argon2 parameters in config: the password just verified is hashed again with them.
        if (hasher_.needs_rehash(*account->password_hash))
            accounts.replace_password_hash(account->id, hasher_.hash(form.password), now_s);
        return Authenticated{account->id, identifier, pending_steps(account->id)};
    }

    std::optional<FailureOutcome> failure;
    db_.transaction([&](storage::Connection& c) {
        lockouts.update(c, key, now_s, [&](storage::LockoutState& s) {
            auto after = lockout_.after_failure(to_policy(s), now);
            failure = after.outcome;
            store_policy(after.state, s);
        });
        if (account_id) {
            const bool froze = std::holds_alternative<NewlyFrozen>(*failure);
            audit.append(c, failure_entry(*account_id, now_s, froze ? "wrong_credentials_frozen" : "wrong_credentials"));
        }
    });

    if (auto* wrong = std::get_if<PolicyWrongCredentials>(&*failure))
        return WrongCredentials{wrong->attempts_left, wrong->captcha_next, kind};
    if (auto* newly = std::get_if<NewlyFrozen>(&*failure))
        return Frozen{std::chrono::ceil<std::chrono::seconds>(newly->until - now), true, account_id};
    return Frozen{std::get<PolicyFrozen>(*failure).remaining, false, std::nullopt};
}

std::vector<PendingStep> LoginService::pending_steps(std::int64_t) const {
    // Seam: CGU version, forced renewal dates, legacy first connection and the delegation
    // question are detected here by their issues, in the order of SPEC.md §3.
    return {};
}

}  // namespace caf::account::password_login
