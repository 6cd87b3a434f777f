// "Identifiant provisoire oublié ?": état civil + contact → the identifier, to that contact only.
#include "account/recovery/provisional_id_recovery.hpp"

#include <cctype>

#include "account/identity/person_record.hpp"
#include "account/identity/sealed_person.hpp"
#include "notify/notification.hpp"
#include "notify/notifier.hpp"
#include "core/crypto.hpp"
#include "core/text.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/notifications.hpp"

namespace caf::account::recovery {
namespace {

std::string first_word(const std::string& normalised) { return normalised.substr(0, normalised.find(' ')); }

bool matches(const PersonalDataProtector& protector, const storage::Account& account, const ProvisionalIdForm& form,
             const std::string& birth_date, const std::string& contact, bool email) {
    auto person = open_person(protector, account);
    if (!person) return false;
    const auto first_names = normalise_name(person->first_names);
    const auto typed_first = normalise_name(form.first_name);
    bool same = normalise_name(person->birth_name) == normalise_name(form.birth_name) &&
                (typed_first == first_names || typed_first == first_word(first_names)) &&
                person->birth_date == birth_date;
    const auto& sealed = email ? account.email_sealed : account.phone_sealed;
    if (!sealed) return false;
    auto known = protector.open(email ? PersonalDataKind::email : PersonalDataKind::phone, *sealed);
    return same && known && crypto::constant_time_equal(canonical_contact(*known), contact);
}

std::optional<std::string> recovery_lookup_of(const PersonalDataProtector& protector, const storage::Account& account) {
    auto person = open_person(protector, account);
    if (!person) return std::nullopt;
    return protector.lookup(PersonalDataKind::civil_status, provisional_recovery_key(*person));
}

// Rows from before migration 9, or whose civil status changed, get their lookup before the
// search (an HMAC: the migration's SQL cannot compute it). Batches of short transactions; once
// done, one indexed query that finds nothing. Two requests doing it at once write the same.
void fill_missing_recovery_lookups(storage::Database& db, const PersonalDataProtector& protector) {
    constexpr std::int64_t batch = 500;
    storage::Accounts accounts(db);
    for (;;) {
        if (db.read([&](storage::Connection& c) { return accounts.list_provisional_without_recovery_lookup(c, 1); })
                .empty())
            return;
        db.transaction([&](storage::Connection& c) {
            // Empty when no lookup can be computed (no readable civil status): not tried again.
            for (const auto& account : accounts.list_provisional_without_recovery_lookup(c, batch))
                accounts.set_recovery_lookup(c, account.id, recovery_lookup_of(protector, account).value_or(""));
        });
    }
}

}  // namespace

std::optional<std::string> read_birth_date(std::string_view typed) {
    std::string t = text::trim(typed);
    if (t.size() == 10 && t[2] == '/' && t[5] == '/') t = t.substr(6, 4) + "-" + t.substr(3, 2) + "-" + t.substr(0, 2);
    if (!is_iso_date(t)) return std::nullopt;
    return t;
}

std::string canonical_contact(std::string_view contact) {
    std::string t = text::trim(contact);
    if (t.find('@') != std::string::npos) {
        return text::lower_ascii(t);
    }
    std::string digits;
    for (char ch : t) {
        if (std::isdigit(static_cast<unsigned char>(ch))) digits += ch;
        else if (ch != ' ' && ch != '.' && ch != '-' && !(ch == '+' && digits.empty())) return {};
    }
    // The country code becomes the leading 0 (written in place: GCC 12's -Wrestrict misreads
    // "0" + substr here).
    std::size_t country = 0;
    if (t.starts_with("+33") && digits.size() == 11) country = 2;
    else if (digits.starts_with("0033") && digits.size() == 13) country = 4;
    if (country) {
        digits.erase(0, country - 1);
        digits[0] = '0';
    }
    if (digits.size() != 10 || digits[0] != '0') return {};
    return digits;
}

ProvisionalIdFormErrors check_form(const ProvisionalIdForm& form) {
    ProvisionalIdFormErrors errors;
    if (normalise_name(form.birth_name).empty()) errors.birth_name = "Veuillez saisir votre nom de naissance.";
    if (normalise_name(form.first_name).empty()) errors.first_name = "Veuillez saisir votre prénom.";
    if (text::trim(form.birth_date).empty()) errors.birth_date = "Veuillez saisir votre date de naissance.";
    else if (!read_birth_date(form.birth_date))
        errors.birth_date = "La date de naissance doit être une date valide au format JJ/MM/AAAA.";
    if (text::trim(form.contact).empty())
        errors.contact = "Veuillez saisir votre adresse mail ou votre numéro de téléphone portable.";
    else if (canonical_contact(form.contact).empty())
        errors.contact = "Veuillez saisir une adresse mail valide ou un numéro de téléphone portable à 10 chiffres.";
    return errors;
}

ProvisionalIdSent send_forgotten_provisional_id(storage::Database& db, const PersonalDataProtector& protector,
                                                const ProvisionalIdForm& form, TimePoint now) {
    const auto birth_date = read_birth_date(form.birth_date).value_or("");
    const auto contact = canonical_contact(form.contact);
    const bool email = contact.find('@') != std::string::npos;
    ProvisionalIdSent out;
    std::optional<storage::Account> found;
    int matched = 0;
    fill_missing_recovery_lookups(db, protector);
    PersonRecord typed;
    typed.birth_name = form.birth_name;
    typed.first_names = form.first_name;
    typed.birth_date = birth_date;
    const auto lookup = protector.lookup(PersonalDataKind::civil_status, provisional_recovery_key(typed));
    auto candidates = db.read([&](storage::Connection& c) {
        return storage::Accounts(db).find_provisional_by_recovery_lookup(c, lookup);
    });
    // One index lookup whatever is typed, and with no candidate the comparison of one account
    // anyway, so an unknown person costs what a known one does.
    if (candidates.empty()) {
        storage::Account nobody;
        nobody.civil_status_sealed = protector.seal(PersonalDataKind::civil_status, R"({"birth_name":""})");
        nobody.email_sealed = protector.seal(PersonalDataKind::email, "");
        (void)matches(protector, nobody, form, birth_date, contact, true);
    }
    for (auto& account : candidates) {
        if (matches(protector, account, form, birth_date, contact, email)) {
            ++matched;
            found = std::move(account);
        }
    }
    // Homonyms with the same contact cannot be told apart: nothing is sent (the Caf can help).
    if (matched != 1 || contact.empty() || birth_date.empty()) return out;
    const auto now_s = to_unix_seconds(now);
    storage::Notifications queue(db);
    notify::Notifier notifier(queue, protector);
    db.transaction([&](storage::Connection& c) {
        notifier.enqueue(c,
                         notify::provisional_id_message(
                             email ? notify::NotificationChannel::email : notify::NotificationChannel::sms, contact,
                             *found->provisional_id, found->id),
                         now);
        storage::NewAuditEntry entry;
        entry.at = now_s;
        entry.actor_type = "account";
        entry.actor_id = std::to_string(found->id);
        entry.action = "provisional_id.sent";
        entry.account_id = found->id;
        entry.details = {{"channel", email ? "email" : "sms"}};
        storage::AuditLog(db).append(c, entry);
    });
    out.sent = true;
    out.account_id = found->id;
    return out;
}

}  // namespace caf::account::recovery
