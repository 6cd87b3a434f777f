// Account import: validate each line, hash what needs hashing in parallel, write in batches.
#include "account/import/account_import.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "account/households/membership_rules.hpp"
#include "storage/accounts.hpp"
#include "storage/error.hpp"

namespace caf::account {
namespace {

// A line breaking a membership rule: the line's transaction is rolled back.
struct MembershipConflict : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace

storage::NewAccount new_account_of(const ImportRecord& r, const PersonalDataProtector& protector,
                                   const std::optional<std::string>& password_hash, std::int64_t now) {
    storage::NewAccount a;
    if (r.nir) {
        a.nir_lookup = protector.lookup(PersonalDataKind::nir, *r.nir);
        a.nir_sealed = protector.seal(PersonalDataKind::nir, *r.nir);
    }
    a.provisional_id = r.provisional_id;
    a.password_hash = password_hash;
    if (password_hash) a.password_changed_at = r.password_changed_at.value_or(now);
    a.legacy_password = r.legacy_password;
    a.cgu_version = r.cgu_version;
    if (r.person) {
        a.civil_status_sealed = protector.seal(PersonalDataKind::civil_status, to_json(*r.person).dump());
        a.pivot_lookup = protector.lookup(PersonalDataKind::civil_status, pivot_key(*r.person));
        if (!r.nir) a.recovery_lookup = protector.lookup(PersonalDataKind::civil_status, provisional_recovery_key(*r.person));
    }
    if (r.email) a.email_sealed = protector.seal(PersonalDataKind::email, *r.email);
    a.email_verified = r.email && r.email_verified;
    if (r.phone) a.phone_sealed = protector.seal(PersonalDataKind::phone, *r.phone);
    a.phone_verified = r.phone && r.phone_verified;
    if (r.postal_address) a.address_sealed = protector.seal(PersonalDataKind::postal_address, *r.postal_address);
    a.documents_required = r.documents_required;
    a.identity_verified = true;  // the CAF's own records
    return a;
}

ImportReport AccountImporter::import(std::istream& lines, unsigned hashing_threads, std::size_t batch_size) {
    ImportReport report;
    std::vector<Pending> batch;
    std::string text;
    std::size_t number = 0;
    while (std::getline(lines, text)) {
        ++number;
        if (!text.empty() && text.back() == '\r') text.pop_back();
        if (text.find_first_not_of(" \t") == std::string::npos) continue;
        auto record = parse_import_line(text);
        if (!record) {
            report.failures.push_back({number, std::move(record.error())});
            continue;
        }
        batch.push_back({number, std::move(*record)});
        if (batch.size() >= batch_size) import_batch(batch, hashing_threads, report);
    }
    if (!batch.empty()) import_batch(batch, hashing_threads, report);
    return report;
}

bool AccountImporter::add_membership(storage::Connection& c, const ImportDossier& d, std::int64_t account_id,
                                     std::int64_t now) {
    storage::Dossiers dossiers(db_);
    if (!dossiers.find(c, d.numero)) dossiers.create(c, d.numero, now);
    auto plan = households::plan_membership(dossiers.members(c, d.numero),
                                            dossiers.memberships_of_account(c, account_id), d.numero, account_id,
                                            d.role);
    if (!plan) throw MembershipConflict(plan.error());
    if (plan->unchanged) return false;
    // Changing a member's role is the back office's decision, not a file's.
    if (plan->previous)
        throw MembershipConflict("account " + std::to_string(account_id) + " is already " +
                                 std::string(storage::to_string(*plan->previous)) + " of dossier " + d.numero +
                                 ": the import does not change roles");
    dossiers.add_member(c, d.numero, account_id, d.role, now);
    if (d.delegation) dossiers.set_delegation(c, d.numero, *d.delegation, account_id, now);
    return true;
}

void AccountImporter::import_batch(std::vector<Pending>& batch, unsigned hashing_threads, ImportReport& report) {
    storage::Accounts accounts(db_);
    auto lookup_of = [&](const ImportRecord& r) {
        return r.nir ? protector_.lookup(PersonalDataKind::nir, *r.nir) : std::string();
    };
    std::vector<std::string> lookups;  // of the lines with a NIR, looked up in one query per batch
    std::vector<std::string> line_lookup(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i)
        if (batch[i].record.nir) lookups.push_back(line_lookup[i] = lookup_of(batch[i].record));
    // The existing account of a line: `known` holds the batch's NIR lookups found in the store (and
    // the accounts the batch itself creates, so a NIR repeated in the file is one account).
    auto find_existing = [&](storage::Connection& c, std::size_t i,
                             const std::unordered_map<std::string, std::int64_t>& known) -> std::optional<std::int64_t> {
        const auto& r = batch[i].record;
        if (r.nir) {
            auto it = known.find(line_lookup[i]);
            return it == known.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
        }
        if (auto found = accounts.find_by_provisional_id(c, *r.provisional_id)) return found->id;
        return std::nullopt;
    };

    // Existing accounts are left alone, and their passwords are not hashed again (a re-import of
    // a large file stays fast).
    std::vector<bool> already(batch.size());
    db_.read([&](storage::Connection& c) {
        auto known = accounts.ids_by_nir_lookup(c, lookups);
        for (std::size_t i = 0; i < batch.size(); ++i) already[i] = find_existing(c, i, known).has_value();
    });

    std::vector<std::optional<std::string>> hashes(batch.size());
    std::atomic<std::size_t> next{0};
    auto hash_some = [&] {
        for (std::size_t i; (i = next++) < batch.size();) {
            const auto& r = batch[i].record;
            if (already[i]) continue;
            if (r.password) hashes[i] = hasher_.hash(*r.password);
            else if (r.password_hash) hashes[i] = r.password_hash;
        }
    };
    std::vector<std::jthread> workers;
    for (unsigned t = 1; t < std::max(1u, hashing_threads); ++t) workers.emplace_back(hash_some);
    hash_some();
    workers.clear();

    auto now = to_unix_seconds(clock_.now());
    auto to_new_account = [&](std::size_t i) { return new_account_of(batch[i].record, protector_, hashes[i], now); };
    // One line in its own transaction: the fallback when a batch fails, so one bad line costs
    // only itself.
    struct LineOutcome {
        bool created = false;
        bool member_added = false;
    };
    auto import_one = [&](storage::Connection& c, std::size_t i, std::unordered_map<std::string, std::int64_t>& known) {
        const auto& r = batch[i].record;
        LineOutcome out;
        std::int64_t id = 0;
        if (auto existing = find_existing(c, i, known)) id = *existing;
        else {
            id = accounts.create(c, to_new_account(i), now);
            if (r.nir) known.emplace(line_lookup[i], id);
            out.created = true;
        }
        if (r.dossier) out.member_added = add_membership(c, *r.dossier, id, now);
        return out;
    };
    auto count = [&](const LineOutcome& o, std::size_t& created, std::size_t& unchanged, std::size_t& members) {
        (o.created ? created : unchanged)++;
        if (o.member_added) ++members;
    };

    try {
        std::size_t created = 0, unchanged = 0, members = 0;
        db_.transaction([&](storage::Connection& c) {
            created = unchanged = members = 0;
            auto known = accounts.ids_by_nir_lookup(c, lookups);
            for (std::size_t i = 0; i < batch.size(); ++i) count(import_one(c, i, known), created, unchanged, members);
        });
        report.created += created;
        report.unchanged += unchanged;
        report.memberships_added += members;
    } catch (const std::exception&) {
        // storage::StoreError or MembershipConflict: line by line, so a bad line costs only itself.
        for (std::size_t i = 0; i < batch.size(); ++i) {
            try {
                auto outcome = db_.transaction([&](storage::Connection& c) {
                    auto known = line_lookup[i].empty() ? std::unordered_map<std::string, std::int64_t>{}
                                                        : accounts.ids_by_nir_lookup(c, {line_lookup[i]});
                    return import_one(c, i, known);
                });
                count(outcome, report.created, report.unchanged, report.memberships_added);
            } catch (const MembershipConflict& e) {
                report.failures.push_back({batch[i].line, e.what()});
            } catch (const storage::StoreError& e) {
                report.failures.push_back({batch[i].line, e.kind() == storage::ErrorKind::conflict
                                                              ? "identifier already used by another line or account"
                                                              : std::string("store error: ") + std::string(storage::to_string(e.kind()))});
            }
        }
    }
    batch.clear();
}

}  // namespace caf::account
