// The login attempt: lockout verdict, password check (or the same work for nobody), lockout update.
#include "account/login/login_service.hpp"

#include "account/households/household.hpp"
#include "notify/notification.hpp"
#include "notify/notifier.hpp"
#include "account/password/password_policy.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/lockout.hpp"
#include "storage/notifications.hpp"

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
    out.in_flight = static_cast<int>(s.reserved);
    return out;
}

void store_policy(const LockoutState& from, storage::LockoutState& to) {
    to.failures = from.failures;
    to.freeze_count = from.freeze_count;
    to.frozen_until = from.frozen_until ? std::optional<std::int64_t>(to_unix_seconds(*from.frozen_until)) : std::nullopt;
}

// An attempt whose node died between its reservation and its settlement (or whose hashing
// failed) is never settled: after this long it is counted as the failure it may have been.
constexpr std::int64_t abandoned_reservation_seconds = 60;

void count_abandoned_reservations(storage::LockoutState& s, std::int64_t now) {
    if (s.reserved > 0 && s.reserved_at && *s.reserved_at + abandoned_reservation_seconds < now) {
        s.failures += s.reserved;
        s.reserved = 0;
        s.reserved_at.reset();
    }
}

void release_reservation(storage::LockoutState& s) {
    // Zero already when the reservation was counted as abandoned meanwhile.
    if (s.reserved > 0) --s.reserved;
    if (s.reserved == 0) s.reserved_at.reset();
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

std::string captcha_message(bool missing) {
    return missing ? "Veuillez saisir les caractères de l'image (vérification de sécurité)."
                   : "Les caractères saisis ne correspondent pas à l'image. Veuillez recommencer avec la nouvelle image.";
}

LoginOutcome LoginService::attempt(const LoginForm& form, TimePoint now, std::string_view captcha_binding) const {
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

    // Transaction 1, under the identifier's row lock: the verdict, judged with the attempts
    // already in flight, and this attempt reserved when it may go on. Simultaneous attempts then
    // cannot all be judged on the state from before any of them was counted (the captcha and the
    // freeze would be skipped); Argon2id runs after the commit, so no row lock waits on it.
    // Known and unknown identifiers take exactly the same path from here on.
    const bool captcha_missing = form.captcha_answer.empty() || form.captcha_id.empty();
    std::optional<storage::Account> account;
    LockoutVerdict verdict = Allowed{0, false};
    db_.transaction([&](storage::Connection& c) {
        account = kind == LoginIdentifierKind::nir ? accounts.find_by_nir_lookup(c, key)
                                                   : accounts.find_by_provisional_id(c, canonical(identifier));
        lockouts.update(c, key, now_s, [&](storage::LockoutState& s) {
            count_abandoned_reservations(s, now_s);
            verdict = lockout_.evaluate(to_policy(s), now);
            // An attempt refused for its missing captcha reserves nothing: it goes no further.
            const auto* allowed = std::get_if<Allowed>(&verdict);
            if (allowed && !(allowed->captcha_required && captcha_ && captcha_missing)) {
                ++s.reserved;
                s.reserved_at = now_s;
            }
        });
    });
    const std::optional<std::int64_t> account_id = account ? std::optional(account->id) : std::nullopt;

    // During a freeze the password is not even checked: the right one is refused too.
    // Not audited: the freeze itself was.
    if (const auto* frozen = std::get_if<PolicyFrozen>(&verdict)) return Frozen{frozen->remaining, false, std::nullopt};
    // From the 4th attempt the captcha comes first: a missing or wrong answer is refused without
    // the password being checked (and without Argon2id, for every identifier alike), and it is
    // not counted as a failure: its reservation is released. The challenge is spent either way.
    if (const auto& allowed = std::get<Allowed>(verdict); allowed.captcha_required && captcha_) {
        if (captcha_missing) return CaptchaRefused{true, allowed.attempts_left, kind};
        if (!captcha_->check(form.captcha_id, form.captcha_answer, captcha_binding, now)) {
            lockouts.update(key, now_s, release_reservation);
            return CaptchaRefused{false, allowed.attempts_left, kind};
        }
    }

    // Argon2id either way, so the timing does not tell whether the account exists. A password
    // no account could have (too short, absurdly long) is refused without hashing: its length
    // is something the person typed, not something the server knows.
    const bool can_log_in = account && account->status == "active" && account->password_hash.has_value();
    bool verified = false;
    if (acceptable_for_login(form.password)) {
        if (can_log_in) verified = hasher_.verify(form.password, *account->password_hash);
        else hasher_.dummy_verify(form.password);
    }

    // Transaction 2 settles the reservation: a success clears the counter, a failure counts.
    if (verified) {
        // Another attempt may have frozen the identifier since the reservation: checked under
        // the row lock, and the counter cleared only if not (attempts still in flight stay).
        std::optional<std::chrono::seconds> frozen_meanwhile;
        lockouts.update(key, now_s, [&](storage::LockoutState& s) {
            frozen_meanwhile.reset();
            release_reservation(s);
            if (s.frozen_until && *s.frozen_until > now_s) {
                frozen_meanwhile = std::chrono::seconds{*s.frozen_until - now_s};
                return;
            }
            store_policy(lockout_.after_success(), s);
        });
        if (frozen_meanwhile) return Frozen{*frozen_meanwhile, false, std::nullopt};

        // New Argon2 parameters in config: the password just verified is hashed again with them.
        if (hasher_.needs_rehash(*account->password_hash))
            accounts.replace_password_hash(account->id, hasher_.hash(form.password), now_s);
        return Authenticated{account->id, identifier, pending_steps(*account, now)};
    }

    std::optional<FailureOutcome> failure;
    int notices = 0;
    db_.transaction([&](storage::Connection& c) {
        notices = 0;
        lockouts.update(c, key, now_s, [&](storage::LockoutState& s) {
            release_reservation(s);
            auto after = lockout_.after_failure(to_policy(s), now);
            failure = after.outcome;
            store_policy(after.state, s);
        });
        if (account_id) {
            const bool froze = std::holds_alternative<NewlyFrozen>(*failure);
            audit.append(c, failure_entry(*account_id, now_s, froze ? "wrong_credentials_frozen" : "wrong_credentials"));
            // "Au gel du compte, l'utilisateur reçoit un mail ou un sms": queued with the freeze
            // itself, so a freeze is never without its notice nor a notice without its freeze.
            if (froze) notices = queue_freeze_notices(c, *account, std::get<NewlyFrozen>(*failure).duration, now);
        }
    });

    if (auto* wrong = std::get_if<PolicyWrongCredentials>(&*failure))
        return WrongCredentials{wrong->attempts_left, wrong->captcha_next, kind};
    if (auto* newly = std::get_if<NewlyFrozen>(&*failure))
        return Frozen{std::chrono::ceil<std::chrono::seconds>(newly->until - now), true, account_id, notices};
    return Frozen{std::get<PolicyFrozen>(*failure).remaining, false, std::nullopt};
}

std::vector<PendingStep> LoginService::pending_steps(const storage::Account& account, TimePoint now) const {
    if (!steps_) return {};
    return detect_pending_steps(account, to_unix_seconds(now), *steps_, households::dossier_facts(db_, account.id));
}

int LoginService::queue_freeze_notices(storage::Connection& c, const storage::Account& account,
                                       std::chrono::seconds frozen_for, TimePoint now) const {
    storage::Notifications queue(db_);
    notify::Notifier notifier(queue, protector_);
    int queued = 0;
    // Every contact known, verified or not: the notice warns the owner, it proves nothing.
    if (account.email_sealed) {
        if (auto email = protector_.open(PersonalDataKind::email, *account.email_sealed)) {
            notifier.enqueue(
                c, notify::freeze_notice(notify::NotificationChannel::email, *email, frozen_for, account.id), now);
            ++queued;
        }
    }
    if (account.phone_sealed) {
        if (auto phone = protector_.open(PersonalDataKind::phone, *account.phone_sealed)) {
            notifier.enqueue(
                c, notify::freeze_notice(notify::NotificationChannel::sms, *phone, frozen_for, account.id), now);
            ++queued;
        }
    }
    return queued;
}

}  // namespace caf::account::password_login
