// Resolution order of SPEC.md §8 over the store; every link written here is audited.
#include "account/linking/external_links.hpp"

#include "notify/notifier.hpp"
#include "core/crypto.hpp"
#include "core/login_contract.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/error.hpp"
#include "storage/external_links.hpp"

namespace caf::account::linking {
namespace {

// The sub is pairwise but still an identifier of the person at the provider: the audit keeps a
// digest, enough to tell two links apart.
std::string subject_digest(const std::string& subject) { return login::digest(subject).substr(0, 16); }

void audit(storage::Connection& c, storage::Database& db, std::int64_t account_id, const std::string& action,
           nlohmann::json details, std::int64_t now) {
    storage::NewAuditEntry entry;
    entry.at = now;
    entry.actor_type = "account";
    entry.actor_id = std::to_string(account_id);
    entry.action = action;
    entry.account_id = account_id;
    entry.details = std::move(details);
    storage::AuditLog(db).append(c, entry);
}

bool usable(const storage::Account& account) { return account.status == "active"; }

// An automatic link needs more than an identity: anyone can create an account in someone else's
// name (a captcha and the parents' names suffice), and that account must not capture the real
// person's first FranceConnect login. Only accounts the CAF vouches for are linked without the
// password; any other match goes to the choice page ("J'ai déjà un compte" asks the password).
bool linkable_without_password(const storage::Account& account) {
    return usable(account) && account.identity_verified;
}

// The id of the account's newest audit entry `action` about `provider` (0 when none).
std::int64_t newest_entry(storage::Connection& c, storage::Database& db, std::int64_t account_id,
                          const std::string& action, const std::string& provider, bool owner_only) {
    storage::AuditQuery q;
    q.account_id = account_id;
    q.action = action;
    q.newest_first = true;
    q.limit = 50;
    for (const auto& e : storage::AuditLog(db).list(c, q)) {
        if (e.details.value("provider", "") != provider) continue;
        if (owner_only && e.details.value("reason", "") != "owner") continue;
        return e.id;
    }
    return 0;
}

// An owner who removed their link does not want it back behind their back: no automatic link
// for that provider until they link again themselves ("J'ai déjà un compte").
bool opted_out(storage::Connection& c, storage::Database& db, std::int64_t account_id, const std::string& provider) {
    auto removed = newest_entry(c, db, account_id, "external_link.removed", provider, true);
    return removed != 0 && removed > newest_entry(c, db, account_id, "external_link.created", provider, false);
}

}  // namespace

void link_external_identity(storage::Connection& c, storage::Database& db, std::int64_t account_id,
                            const std::string& provider, const std::string& subject, const std::string& how,
                            std::int64_t now) {
    storage::ExternalLinks links(db);
    if (auto existing = links.find(c, provider, subject)) {
        if (existing->account_id == account_id) return;  // already this account's: nothing new
        throw storage::StoreError(storage::ErrorKind::conflict, "external identity linked to another account");
    }
    // One link per provider and account: a new sub of the same provider (FranceConnect changes it
    // when the civil status is corrected) replaces the old one.
    for (const auto& old : links.list_of_account(c, account_id)) {
        if (old.provider != provider) continue;
        links.unlink(c, account_id, old.provider, old.subject);
        audit(c, db, account_id, "external_link.removed",
              {{"provider", provider}, {"subject_digest", subject_digest(old.subject)}, {"reason", "replaced"}}, now);
    }
    links.link(c, storage::ExternalLink{provider, subject, account_id, now});
    audit(c, db, account_id, "external_link.created",
          {{"provider", provider}, {"how", how}, {"subject_digest", subject_digest(subject)}}, now);
}

bool pivot_agrees(const PersonalDataProtector& protector, const storage::Account& account, const PersonRecord& person) {
    if (!account.pivot_lookup) return false;
    return crypto::constant_time_equal(*account.pivot_lookup,
                                       protector.lookup(PersonalDataKind::civil_status, pivot_key(person)));
}

void link_with_password(storage::Connection& c, storage::Database& db, const PersonalDataProtector& protector,
                        const storage::Account& account, const std::string& provider,
                        const std::string& provider_label, const std::string& subject, TimePoint now) {
    link_external_identity(c, db, account.id, provider, subject, "password", to_unix_seconds(now));
    if (auto contact = notify::owner_contact(protector, account)) {
        storage::Notifications queue(db);
        notify::Notifier(queue, protector)
            .enqueue(c,
                     notify::external_link_created_message(contact->channel, contact->recipient, provider_label,
                                                           account.id),
                     now);
    }
}

std::int64_t drop_external_links(storage::Connection& c, storage::Database& db, std::int64_t account_id,
                                 const std::string& reason, std::int64_t now) {
    storage::ExternalLinks links(db);
    std::int64_t removed = 0;
    for (const auto& link : links.list_of_account(c, account_id)) {
        if (!links.unlink(c, account_id, link.provider, link.subject)) continue;
        audit(c, db, account_id, "external_link.removed",
              {{"provider", link.provider}, {"subject_digest", subject_digest(link.subject)}, {"reason", reason}}, now);
        ++removed;
    }
    return removed;
}

ResolvedIdentity resolve_external_identity(storage::Database& db, const PersonalDataProtector& protector,
                                           const ExternalIdentityClaims& identity, std::int64_t now) {
    const auto nir_lookup = identity.verified_nir
                                ? std::optional(protector.lookup(PersonalDataKind::nir, *identity.verified_nir))
                                : std::nullopt;
    // The very derivation the import and the creation store (account_import.cpp new_account_of).
    const auto pivot_lookup = protector.lookup(PersonalDataKind::civil_status, pivot_key(identity.person));
    storage::Accounts accounts(db);
    storage::ExternalLinks links(db);

    auto attempt = [&](storage::Connection& c) -> ResolvedIdentity {
        if (auto known = links.find(c, identity.provider, identity.subject)) {
            // The link does not outlive the account's right to log in (blocked, disabled, closed).
            auto account = accounts.find(c, known->account_id);
            if (!account || !usable(*account)) return {Resolution::unusable, std::nullopt};
            return {Resolution::known_link, known->account_id};
        }
        if (nir_lookup) {
            auto account = accounts.find_by_nir_lookup(c, *nir_lookup);
            if (account && linkable_without_password(*account) && !opted_out(c, db, account->id, identity.provider)) {
                link_external_identity(c, db, account->id, identity.provider, identity.subject, "verified_nir", now);
                return {Resolution::verified_nir, account->id};
            }
        }
        auto matches = accounts.find_by_pivot_lookup(c, pivot_lookup);
        std::erase_if(matches, [](const storage::Account& a) { return !linkable_without_password(a); });
        if (matches.size() > 1) return {Resolution::ambiguous, std::nullopt};
        if (matches.empty() || opted_out(c, db, matches[0].id, identity.provider))
            return {Resolution::no_match, std::nullopt};
        link_external_identity(c, db, matches[0].id, identity.provider, identity.subject, "pivot_match", now);
        return {Resolution::pivot_match, matches[0].id};
    };
    try {
        return db.transaction(attempt);
    } catch (const storage::StoreError& e) {
        // The same callback finished in another request meanwhile: its link is now known.
        if (e.kind() != storage::ErrorKind::conflict) throw;
        return db.transaction(attempt);
    }
}

bool unlink_external_identity(storage::Database& db, std::int64_t account_id, const std::string& provider,
                              const std::string& subject, std::int64_t now) {
    return db.transaction([&](storage::Connection& c) {
        if (!storage::ExternalLinks(db).unlink(c, account_id, provider, subject)) return false;
        audit(c, db, account_id, "external_link.removed",
              {{"provider", provider}, {"subject_digest", subject_digest(subject)}, {"reason", "owner"}}, now);
        return true;
    });
}

}  // namespace caf::account::linking
