// The admin API's operations over the store.
#include "account/admin/admin_operations.hpp"

#include <streambuf>
#include <istream>

#include "account/backoffice/attach_nir.hpp"
#include "account/households/membership_rules.hpp"
#include "account/identifiers/nir.hpp"
#include "account/identity/person_record.hpp"
#include "storage/session_end.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/dossiers.hpp"
#include "storage/error.hpp"
#include "storage/external_links.hpp"
#include "storage/lockout.hpp"
#include "storage/tokens.hpp"

namespace caf::account::admin {
namespace {

using nlohmann::json;

unexpected<AdminError> fail(int status, std::string error, std::string message) {
    return unexpected<AdminError>{AdminError{status, std::move(error), std::move(message), std::nullopt}};
}
unexpected<AdminError> not_found(std::string message) { return fail(404, "not_found", std::move(message)); }
unexpected<AdminError> conflict(std::string message) { return fail(409, "conflict", std::move(message)); }

std::string account_missing(std::int64_t id) { return "no account has id " + std::to_string(id); }
std::string dossier_missing(const std::string& numero) { return "no dossier has number " + numero; }

void audit(storage::Connection& c, storage::Database& db, const ApiCaller& caller, std::string_view operation,
           std::optional<std::int64_t> account_id, json details, std::int64_t now) {
    storage::NewAuditEntry entry;
    entry.at = now;
    entry.actor_type = "client";
    entry.actor_id = caller.client_id;
    entry.action = "admin." + std::string(operation);
    entry.account_id = account_id;
    entry.details = std::move(details);
    storage::AuditLog(db).append(c, entry);
}

// The body read in place by the importer: a 100,000-line import is not copied again.
class BodyBuffer : public std::streambuf {
public:
    explicit BodyBuffer(std::string_view body) {
        char* begin = const_cast<char*>(body.data());
        setg(begin, begin, begin + body.size());
    }
};

// "1 63 06 31 555 082" → "1 63 06 ** *** ***": sex, year and month, enough to tell two accounts
// of one person apart on an agent's screen.
std::string masked_nir(const std::string& canonical) {
    auto nir = Nir::parse(canonical);
    if (!nir) return "***";
    std::string shown = nir->display();
    for (std::size_t i = 8; i < shown.size(); ++i)
        if (shown[i] != ' ') shown[i] = '*';
    return shown;
}

std::vector<std::string> lockout_keys(const PersonalDataProtector& protector, const storage::Account& account) {
    // The login counts failures per identifier (account/login: lockout_key), and the NIR's key is
    // its lookup digest.
    std::vector<std::string> keys;
    if (account.nir_lookup) keys.push_back(*account.nir_lookup);
    if (account.provisional_id) keys.push_back(protector.lookup(PersonalDataKind::provisional_id, *account.provisional_id));
    return keys;
}

json optional_opened(const PersonalDataProtector& protector, PersonalDataKind kind,
                     const std::optional<std::string>& sealed) {
    if (!sealed) return nullptr;
    auto opened = protector.open(kind, *sealed);
    if (!opened) return nullptr;
    return *opened;
}

json membership_json(const storage::DossierMember& m) {
    return {{"numero", m.dossier_number}, {"role", storage::to_string(m.role)}, {"added_at", m.added_at}};
}

json account_json(AdminContext& ctx, storage::Connection& c, const storage::Account& a, std::int64_t now) {
    const auto& p = ctx.protector;
    json out{{"id", a.id},
             {"identifier", a.nir_lookup ? "nir" : "provisional_id"},
             {"provisional_id", a.provisional_id ? json(*a.provisional_id) : json(nullptr)},
             {"nir_masked", nullptr},
             {"etat_civil", nullptr},
             {"email", optional_opened(p, PersonalDataKind::email, a.email_sealed)},
             {"email_verified", a.email_verified},
             {"phone", optional_opened(p, PersonalDataKind::phone, a.phone_sealed)},
             {"phone_verified", a.phone_verified},
             {"postal_address", optional_opened(p, PersonalDataKind::postal_address, a.address_sealed)},
             {"status", a.status},
             {"identity_verified", a.identity_verified},
             {"legacy_password", a.legacy_password},
             {"has_password", a.password_hash.has_value()},
             {"cgu_version", a.cgu_version ? json(*a.cgu_version) : json(nullptr)},
             {"created_at", a.created_at},
             {"updated_at", a.updated_at}};
    if (a.nir_sealed)
        if (auto nir = p.open(PersonalDataKind::nir, *a.nir_sealed)) out["nir_masked"] = masked_nir(*nir);
    if (a.civil_status_sealed)
        if (auto opened = p.open(PersonalDataKind::civil_status, *a.civil_status_sealed)) {
            auto person = json::parse(*opened, nullptr, false);
            if (!person.is_discarded()) out["etat_civil"] = std::move(person);
        }
    storage::Lockouts lockouts(ctx.db);
    std::int64_t failures = 0;
    std::optional<std::int64_t> frozen_until;
    for (const auto& key : lockout_keys(p, a)) {
        auto state = lockouts.get(c, key);
        failures = std::max(failures, state.failures);
        if (state.frozen_until && *state.frozen_until > now)
            frozen_until = std::max(frozen_until.value_or(0), *state.frozen_until);
    }
    out["lockout"] = {{"locked", frozen_until.has_value()},
                      {"frozen_until", frozen_until ? json(*frozen_until) : json(nullptr)},
                      {"failures", failures}};
    json links = json::array();
    for (const auto& link : storage::ExternalLinks(ctx.db).list_of_account(c, a.id))
        links.push_back({{"provider", link.provider}, {"created_at", link.created_at}});
    out["links"] = std::move(links);
    json dossiers = json::array();
    for (const auto& m : storage::Dossiers(ctx.db).memberships_of_account(c, a.id)) dossiers.push_back(membership_json(m));
    out["dossiers"] = std::move(dossiers);
    return out;
}

json dossier_json(const storage::Dossier& d, const std::vector<storage::DossierMember>& members) {
    json list = json::array();
    for (const auto& m : members)
        list.push_back({{"account_id", m.account_id}, {"role", storage::to_string(m.role)}, {"added_at", m.added_at}});
    return {{"numero", d.number},
            {"created_at", d.created_at},
            {"updated_at", d.updated_at},
            {"delegation",
             {{"granted", d.delegation_granted},
              {"question_answered", d.delegation_question_answered},
              {"changed_at", d.delegation_changed_at ? json(*d.delegation_changed_at) : json(nullptr)},
              {"changed_by", d.delegation_changed_by ? json(*d.delegation_changed_by) : json(nullptr)}}},
            {"members", std::move(list)}};
}

std::int64_t now_of(AdminContext& ctx) { return to_unix_seconds(ctx.clock.now()); }

}  // namespace

AdminError invalid_request(const RequestError& e) { return AdminError{400, "invalid_request", e.message, e.field}; }

AdminResult import_accounts(AdminContext& ctx, const ApiCaller& caller, std::string_view body) {
    BodyBuffer buffer(body);
    std::istream lines(&buffer);
    return import_accounts(ctx, caller, lines);
}

AdminResult import_accounts(AdminContext& ctx, const ApiCaller& caller, std::istream& lines) {
    auto report = AccountImporter(ctx.db, ctx.protector, ctx.hasher, ctx.clock).import(lines, ctx.import_threads);
    json failures = json::array();
    for (const auto& f : report.failures) failures.push_back({{"line", f.line}, {"reason", f.reason}});
    json out{{"created", report.created},
             {"unchanged", report.unchanged},
             {"failed", report.failures.size()},
             {"memberships_added", report.memberships_added},
             {"failures", std::move(failures)}};
    ctx.db.transaction([&](storage::Connection& c) {
        audit(c, ctx.db, caller, "accounts_import", std::nullopt,
              {{"created", report.created}, {"unchanged", report.unchanged}, {"failed", report.failures.size()}},
              now_of(ctx));
    });
    return out;
}

AdminResult lookup_account(AdminContext& ctx, const ApiCaller& caller, const AccountLookup& lookup) {
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        storage::Accounts accounts(ctx.db);
        auto account = lookup.nir ? accounts.find_by_nir_lookup(c, ctx.protector.lookup(PersonalDataKind::nir, *lookup.nir))
                                  : accounts.find_by_provisional_id(c, *lookup.provisional_id);
        if (!account) return not_found(lookup.nir ? "no account has this NIR" : "no account has this provisional identifier");
        audit(c, ctx.db, caller, "account_lookup", account->id, json::object(), now);
        return account_json(ctx, c, *account, now);
    });
}

AdminResult attach_nir(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id, const std::string& nir) {
    auto account = storage::Accounts(ctx.db).find(account_id);
    if (!account) return not_found(account_missing(account_id));
    if (account->nir_lookup) return conflict("this account already has a NIR");
    if (!account->provisional_id) return conflict("this account has no provisional identifier");
    // The one back-office attachment, audited as nir.attached (via admin_api) by the caller.
    auto attached = backoffice::attach_nir(ctx.db, ctx.protector, *account->provisional_id, nir, caller.client_id,
                                           ctx.clock.now(), "admin_api");
    if (!attached) {
        const auto e = attached.error();
        if (e == backoffice::AttachNirError::unknown_account) return not_found(account_missing(account_id));
        if (e == backoffice::AttachNirError::invalid_nir)
            return unexpected<AdminError>{AdminError{400, "invalid_request", backoffice::message(e), "nir"}};
        return conflict(backoffice::message(e));
    }
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        audit(c, ctx.db, caller, "account_nir", account_id, json::object(), now);
        auto updated = storage::Accounts(ctx.db).find(c, account_id);
        if (!updated) return not_found(account_missing(account_id));
        return account_json(ctx, c, *updated, now);
    });
}

AdminResult update_contact(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id,
                           const ContactUpdate& update) {
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        storage::Accounts accounts(ctx.db);
        auto account = accounts.find_for_update(c, account_id);
        if (!account) return not_found(account_missing(account_id));
        storage::ContactData contact{account->email_sealed, account->email_verified, account->phone_sealed,
                                     account->phone_verified};
        json details = json::object();
        if (update.email) {
            contact.email_sealed.reset();
            if (update.email->value) contact.email_sealed = ctx.protector.seal(PersonalDataKind::email, *update.email->value);
            contact.email_verified = update.email->value && update.email->verified;
            details["email"] = update.email->value ? "replaced" : "removed";
        }
        if (update.phone) {
            contact.phone_sealed.reset();
            if (update.phone->value) contact.phone_sealed = ctx.protector.seal(PersonalDataKind::phone, *update.phone->value);
            contact.phone_verified = update.phone->value && update.phone->verified;
            details["phone"] = update.phone->value ? "replaced" : "removed";
        }
        accounts.update_contact(c, account_id, contact, now);
        audit(c, ctx.db, caller, "account_contact", account_id, std::move(details), now);
        auto updated = accounts.find(c, account_id);
        return account_json(ctx, c, *updated, now);
    });
}

AdminResult set_identity_verified(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id, bool verified) {
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        storage::Accounts accounts(ctx.db);
        auto account = accounts.find_for_update(c, account_id);
        if (!account) return not_found(account_missing(account_id));
        accounts.set_identity_verified(c, account_id, verified, now);
        audit(c, ctx.db, caller, "account_identity", account_id,
              {{"verified", verified}, {"was_verified", account->identity_verified}}, now);
        auto updated = accounts.find(c, account_id);
        return account_json(ctx, c, *updated, now);
    });
}

AdminResult unlock_account(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id) {
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        auto account = storage::Accounts(ctx.db).find(c, account_id);
        if (!account) return not_found(account_missing(account_id));
        storage::Lockouts lockouts(ctx.db);
        bool was_locked = false;
        for (const auto& key : lockout_keys(ctx.protector, *account)) {
            auto state = lockouts.get(c, key);
            was_locked = was_locked || (state.frozen_until && *state.frozen_until > now);
            lockouts.reset(c, key);
        }
        audit(c, ctx.db, caller, "account_unlock", account_id, {{"was_locked", was_locked}}, now);
        return json{{"account_id", account_id}, {"was_locked", was_locked}};
    });
}

AdminResult revoke_account(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id) {
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        if (!storage::Accounts(ctx.db).find(c, account_id)) return not_found(account_missing(account_id));
        // The clients of each session hear of it by back-channel logout.
        const auto ended = storage::end_sessions_of_account(c, account_id, now);
        json counts{{"sessions", ended.sessions_revoked},
                    {"refresh_tokens", storage::RefreshTokens(ctx.db).revoke_all_of_account(c, account_id, now)},
                    {"access_tokens", storage::AccessTokens(ctx.db).revoke_all_of_account(c, account_id, now)}};
        audit(c, ctx.db, caller, "account_revoke", account_id, counts, now);
        return json{{"account_id", account_id}, {"revoked", counts}};
    });
}

AdminResult create_dossier(AdminContext& ctx, const ApiCaller& caller, const std::string& numero) {
    const auto now = now_of(ctx);
    try {
        return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
            storage::Dossiers dossiers(ctx.db);
            if (dossiers.find(c, numero)) return conflict("dossier " + numero + " already exists");
            dossiers.create(c, numero, now);
            audit(c, ctx.db, caller, "dossier_create", std::nullopt, {{"numero", numero}}, now);
            return dossier_json(*dossiers.find(c, numero), {});
        });
    } catch (const storage::StoreError& e) {
        if (e.kind() == storage::ErrorKind::conflict) return conflict("dossier " + numero + " already exists");
        throw;
    }
}

AdminResult read_dossier(AdminContext& ctx, const ApiCaller& caller, const std::string& numero) {
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        storage::Dossiers dossiers(ctx.db);
        auto dossier = dossiers.find(c, numero);
        if (!dossier) return not_found(dossier_missing(numero));
        audit(c, ctx.db, caller, "dossier_read", std::nullopt, {{"numero", numero}}, now);
        return dossier_json(*dossier, dossiers.members(c, numero));
    });
}

AdminResult set_member(AdminContext& ctx, const ApiCaller& caller, const std::string& numero, std::int64_t account_id,
                       storage::MemberRole role) {
    const auto now = now_of(ctx);
    try {
        return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
            storage::Dossiers dossiers(ctx.db);
            auto dossier = dossiers.find(c, numero);
            if (!dossier) return not_found(dossier_missing(numero));
            if (!storage::Accounts(ctx.db).find(c, account_id)) return not_found(account_missing(account_id));
            auto plan = households::plan_membership(dossiers.members(c, numero),
                                                    dossiers.memberships_of_account(c, account_id), numero,
                                                    account_id, role);
            if (!plan) return conflict(plan.error());
            if (!plan->unchanged) {
                if (plan->previous) dossiers.remove_member(c, numero, account_id);
                dossiers.add_member(c, numero, account_id, role, now);
                if (plan->resets_delegation) dossiers.reset_delegation(c, numero, now);
                json details{{"numero", numero}, {"role", storage::to_string(role)}};
                if (plan->previous) details["previous_role"] = storage::to_string(*plan->previous);
                if (plan->resets_delegation) details["delegation_reset"] = true;
                audit(c, ctx.db, caller, "dossier_member_set", account_id, std::move(details), now);
            } else {
                audit(c, ctx.db, caller, "dossier_member_set", account_id,
                      {{"numero", numero}, {"role", storage::to_string(role)}, {"unchanged", true}}, now);
            }
            return dossier_json(*dossiers.find(c, numero), dossiers.members(c, numero));
        });
    } catch (const storage::StoreError& e) {
        // A concurrent change took the role first: the unique keys said no.
        if (e.kind() == storage::ErrorKind::conflict)
            return conflict("the role was taken by a concurrent change; read the dossier and retry");
        throw;
    }
}

AdminResult remove_member(AdminContext& ctx, const ApiCaller& caller, const std::string& numero,
                          std::int64_t account_id) {
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        storage::Dossiers dossiers(ctx.db);
        auto dossier = dossiers.find(c, numero);
        if (!dossier) return not_found(dossier_missing(numero));
        std::optional<storage::MemberRole> removed;
        for (const auto& m : dossiers.members(c, numero))
            if (m.account_id == account_id) removed = m.role;
        if (!removed) return not_found("account " + std::to_string(account_id) + " is not a member of dossier " + numero);
        dossiers.remove_member(c, numero, account_id);
        const bool reset = households::removal_resets_delegation(*removed);
        if (reset) dossiers.reset_delegation(c, numero, now);
        audit(c, ctx.db, caller, "dossier_member_remove", account_id,
              {{"numero", numero}, {"role", storage::to_string(*removed)}, {"delegation_reset", reset}}, now);
        return dossier_json(*dossiers.find(c, numero), dossiers.members(c, numero));
    });
}

AdminResult delete_dossier(AdminContext& ctx, const ApiCaller& caller, const std::string& numero) {
    const auto now = now_of(ctx);
    return ctx.db.transaction([&](storage::Connection& c) -> AdminResult {
        storage::Dossiers dossiers(ctx.db);
        if (!dossiers.find(c, numero)) return not_found(dossier_missing(numero));
        // Members first: the cascade is not relied upon, so both backends behave alike.
        for (const auto& m : dossiers.members(c, numero)) dossiers.remove_member(c, numero, m.account_id);
        dossiers.remove(c, numero);
        audit(c, ctx.db, caller, "dossier_delete", std::nullopt, {{"numero", numero}}, now);
        return json{{"numero", numero}, {"deleted", true}};
    });
}

AdminResult read_audit(AdminContext& ctx, const ApiCaller& caller, const AuditRequest& request) {
    const auto now = now_of(ctx);
    auto entries = storage::AuditLog(ctx.db).list(request.query);
    json list = json::array();
    const bool more = entries.size() > std::size_t(request.limit);
    if (more) entries.resize(std::size_t(request.limit));
    for (const auto& e : entries)
        list.push_back({{"id", e.id},
                        {"at", e.at},
                        {"event", e.action},
                        {"actor_type", e.actor_type},
                        {"actor_id", e.actor_id ? json(*e.actor_id) : json(nullptr)},
                        {"account_id", e.account_id ? json(*e.account_id) : json(nullptr)},
                        {"details", e.details}});
    // Reading the log is itself recorded, after the read so a page never shows its own entry.
    ctx.db.transaction([&](storage::Connection& c) {
        audit(c, ctx.db, caller, "audit_read", std::nullopt, {{"entries", entries.size()}}, now);
    });
    return json{{"entries", std::move(list)},
                {"next_cursor", more ? json(encode_cursor(entries.back().id)) : json(nullptr)}};
}

void audit_refusal(AdminContext& ctx, const ApiCaller& caller, std::string_view operation,
                   std::optional<std::int64_t> account_id, const AdminError& error) {
    const auto now = now_of(ctx);
    ctx.db.transaction([&](storage::Connection& c) {
        audit(c, ctx.db, caller, operation, account_id, {{"refused", error.status}, {"error", error.error}}, now);
    });
}

}  // namespace caf::account::admin
