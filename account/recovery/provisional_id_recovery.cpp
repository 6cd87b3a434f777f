// "Identifiant provisoire oublié ?": état civil + contact → the identifier, to that contact only.
#include "account/recovery/provisional_id_recovery.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "account/identity/person_record.hpp"
#include "account/notifications/notification.hpp"
#include "account/notifications/notifier.hpp"
#include "core/crypto.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/notifications.hpp"

namespace caf::account::recovery {
namespace {

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::string first_word(const std::string& normalised) { return normalised.substr(0, normalised.find(' ')); }

// The ids of the accounts that still log in with a provisional identifier.

bool matches(const PersonalDataProtector& protector, const storage::Account& account, const ProvisionalIdForm& form,
             const std::string& birth_date, const std::string& contact, bool email) {
    if (!account.civil_status_sealed) return false;
    auto opened = protector.open(PersonalDataKind::civil_status, *account.civil_status_sealed);
    if (!opened) return false;
    auto person = person_from_json(nlohmann::json::parse(*opened, nullptr, false));
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

}  // namespace

std::optional<std::string> read_birth_date(std::string_view typed) {
    std::string t = trimmed(typed);
    if (t.size() == 10 && t[2] == '/' && t[5] == '/') t = t.substr(6, 4) + "-" + t.substr(3, 2) + "-" + t.substr(0, 2);
    if (!is_iso_date(t)) return std::nullopt;
    return t;
}

std::string canonical_contact(std::string_view contact) {
    std::string t = trimmed(contact);
    if (t.find('@') != std::string::npos) {
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
        return t;
    }
    std::string digits;
    for (char ch : t) {
        if (std::isdigit(static_cast<unsigned char>(ch))) digits += ch;
        else if (ch != ' ' && ch != '.' && ch != '-' && !(ch == '+' && digits.empty())) return {};
    }
    if (t.starts_with("+33") && digits.size() == 11) digits = "0" + digits.substr(2);
    else if (digits.starts_with("0033") && digits.size() == 13) digits = "0" + digits.substr(4);
    if (digits.size() != 10 || digits[0] != '0') return {};
    return digits;
}

ProvisionalIdFormErrors check_form(const ProvisionalIdForm& form) {
    ProvisionalIdFormErrors errors;
    if (normalise_name(form.birth_name).empty()) errors.birth_name = "Veuillez saisir votre nom de naissance.";
    if (normalise_name(form.first_name).empty()) errors.first_name = "Veuillez saisir votre prénom.";
    if (trimmed(form.birth_date).empty()) errors.birth_date = "Veuillez saisir votre date de naissance.";
    else if (!read_birth_date(form.birth_date))
        errors.birth_date = "La date de naissance doit être une date valide au format JJ/MM/AAAA.";
    if (trimmed(form.contact).empty())
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
    db.read([&](storage::Connection& c) {
        storage::Accounts accounts(db);
        // Every request reads the same rows whatever is typed: no timing signal.
        for (auto id : accounts.list_provisional_without_nir(c)) {
            auto account = accounts.find(c, id);
            if (account && matches(protector, *account, form, birth_date, contact, email)) {
                ++matched;
                found = std::move(account);
            }
        }
    });
    // Homonyms with the same contact cannot be told apart: nothing is sent (the Caf can help).
    if (matched != 1 || contact.empty() || birth_date.empty()) return out;
    const auto now_s = to_unix_seconds(now);
    storage::Notifications queue(db);
    Notifier notifier(queue, protector);
    db.transaction([&](storage::Connection& c) {
        notifier.enqueue(c,
                         provisional_id_message(email ? NotificationChannel::email : NotificationChannel::sms, contact,
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
