// "Mot de passe oublié": the rules of each step, and the JSON the request is sealed as.
#include "account/recovery/password_recovery.hpp"

#include <array>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "account/identity/person_record.hpp"
#include "account/linking/external_links.hpp"
#include "account/login/login_service.hpp"
#include "notify/notification.hpp"
#include "notify/notifier.hpp"
#include "account/verification/code_delivery.hpp"
#include "account/personal_data/contact_masking.hpp"
#include "core/crypto.hpp"
#include "storage/session_end.hpp"
#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/lockout.hpp"
#include "storage/notifications.hpp"
#include "storage/tokens.hpp"

namespace caf::account::recovery {
namespace {

constexpr std::array<std::pair<RecoveryStage, std::string_view>, 3> stage_names{{
    {RecoveryStage::choose_channel, "canal"},
    {RecoveryStage::enter_code, "code"},
    {RecoveryStage::new_password, "mot-de-passe"},
}};

std::optional<RecoveryStage> parse_stage(std::string_view text) {
    for (const auto& [s, name] : stage_names)
        if (name == text) return s;
    return std::nullopt;
}

PersonalDataKind contact_kind(CodeChannel channel) {
    return channel == CodeChannel::email ? PersonalDataKind::email
           : channel == CodeChannel::sms ? PersonalDataKind::phone
                                         : PersonalDataKind::postal_address;
}

std::optional<std::string> contact_of(const PersonalDataProtector& protector, const storage::Account& account,
                                      CodeChannel channel) {
    const auto& sealed = channel == CodeChannel::email ? account.email_sealed
                         : channel == CodeChannel::sms ? account.phone_sealed
                                                       : account.address_sealed;
    if (!sealed) return std::nullopt;
    return protector.open(contact_kind(channel), *sealed);
}

bool same_birth_name(const PersonalDataProtector& protector, const storage::Account& account,
                     std::string_view typed) {
    if (!account.civil_status_sealed) return false;
    auto opened = protector.open(PersonalDataKind::civil_status, *account.civil_status_sealed);
    if (!opened) return false;
    auto person = person_from_json(nlohmann::json::parse(*opened, nullptr, false));
    if (!person) return false;
    const auto expected = normalise_name(person->birth_name);
    const auto given = normalise_name(typed);
    return !expected.empty() && crypto::constant_time_equal(expected, given);
}

}  // namespace

std::string_view to_string(RecoveryStage stage) noexcept {
    for (const auto& [s, name] : stage_names)
        if (s == stage) return name;
    return "";
}

std::string mask_postal_address(std::string_view address) {
    for (std::size_t i = 0; i + 5 <= address.size(); ++i) {
        bool five = true;
        for (std::size_t k = 0; k < 5; ++k) five = five && address[i + k] >= '0' && address[i + k] <= '9';
        const bool bounded = (i == 0 || !std::isdigit(static_cast<unsigned char>(address[i - 1]))) &&
                             (i + 5 == address.size() || !std::isdigit(static_cast<unsigned char>(address[i + 5])));
        if (five && bounded) return "code postal " + std::string(address.substr(i, 2)) + "***";
    }
    return "adresse postale connue de votre Caf";
}

namespace {

// Which channels a decoy offers: the shares of the account base (per mille) of each combination
// of known contacts, so a decoy is as likely as a real account to show one channel, two, all
// three or none ("no known contact", the same page as a real account without any). Rough
// figures of the imported base; what matters is that every combination real accounts show is
// possible for a decoy too.
struct DecoyShape {
    bool email, sms, letter;
    int per_mille;
};
constexpr std::array<DecoyShape, 8> decoy_shapes{{
    {true, true, false, 420},
    {true, false, false, 180},
    {false, true, false, 140},
    {true, true, true, 90},
    {true, false, true, 50},
    {false, true, true, 40},
    {false, false, true, 40},
    {false, false, false, 40},
}};

}  // namespace

std::vector<OfferedChannel> decoy_channels(const PersonalDataProtector& protector, std::string_view lockout_key) {
    // The same shapes as mask_email / mask_phone / mask_postal_address, picked from common
    // providers and departments, so a decoy reads like anyone's contact data. Derived from an
    // HMAC of the identifier, not random: asking twice shows the same choice.
    const std::string d = crypto::sha256(protector.lookup(PersonalDataKind::email, "recovery-decoy:" + std::string(lockout_key)));
    static constexpr std::array<std::string_view, 8> domains{"g***.com", "h***.fr", "o***.fr", "y***.fr",
                                                             "l***.net", "f***.fr", "s***.fr", "w***.fr"};
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(d[i]); };
    int pick = (byte(5) << 8 | byte(6)) % 1000;
    const DecoyShape* shape = &decoy_shapes.back();
    for (const auto& candidate : decoy_shapes) {
        if (pick < candidate.per_mille) {
            shape = &candidate;
            break;
        }
        pick -= candidate.per_mille;
    }
    std::vector<OfferedChannel> out;
    if (shape->email) {
        std::string email;
        email += static_cast<char>('a' + byte(0) % 26);
        email += "***@";
        email += domains[byte(1) % domains.size()];
        out.push_back({CodeChannel::email, email});
    }
    if (shape->sms) {
        std::string phone = byte(2) % 2 ? "06" : "07";
        phone += " ** ** ** ";
        phone += static_cast<char>('0' + byte(3) % 10);
        phone += static_cast<char>('0' + byte(4) % 10);
        out.push_back({CodeChannel::sms, phone});
    }
    if (shape->letter) {
        // Metropolitan departments 01–95 (no 20: Corsica's postal codes start with 20 too).
        std::string postal = std::to_string(1 + byte(7) % 95);
        if (postal.size() == 1) postal.insert(0, "0");
        out.push_back({CodeChannel::letter, mask_postal_address(postal + "000")});
    }
    return out;
}

IdentifyOutcome identify(storage::Database& db, const PersonalDataProtector& protector,
                         const LoginIdentifier& identifier, std::string_view birth_name, TimePoint now) {
    const std::string key = password_login::lockout_key(protector, identifier);
    std::optional<storage::Account> account = db.read([&](storage::Connection& c) {
        storage::Accounts accounts(db);
        return std::holds_alternative<Nir>(identifier) ? accounts.find_by_nir_lookup(c, key)
                                                       : accounts.find_by_provisional_id(c, canonical(identifier));
    });
    bool matched = false;
    if (account && account->status == "active") {
        matched = same_birth_name(protector, *account, birth_name);
    } else {
        // The same decryption and comparison for nobody, so the answer takes the same time.
        storage::Account nobody;
        nobody.civil_status_sealed = protector.seal(PersonalDataKind::civil_status, R"({"birth_name":""})");
        (void)same_birth_name(protector, nobody, birth_name);
    }

    IdentifyOutcome out;
    out.matched = matched;
    out.request.lockout_key = key;
    out.request.expires_at = to_unix_seconds(now) + request_lifetime.count();
    if (matched) {
        out.request.account_id = account->id;
        out.request.subject = "account:" + std::to_string(account->id);
        if (auto email = contact_of(protector, *account, CodeChannel::email))
            out.request.channels.push_back({CodeChannel::email, mask_email(*email)});
        if (auto phone = contact_of(protector, *account, CodeChannel::sms))
            out.request.channels.push_back({CodeChannel::sms, mask_phone(*phone)});
        if (auto address = contact_of(protector, *account, CodeChannel::letter))
            out.request.channels.push_back({CodeChannel::letter, mask_postal_address(*address)});
    } else {
        out.request.subject = "nobody:" + key.substr(0, 32);
        out.request.channels = decoy_channels(protector, key);
    }
    return out;
}

SendOutcome send_recovery_code(storage::Database& db, const PersonalDataProtector& protector,
                               VerificationCodeService& codes, RecoveryRequest& request, CodeChannel channel,
                               TimePoint now, bool resend) {
    // A request for nobody sends its decoy code to nobody: the same answer, no message.
    CodeDelivery delivery{recovery_code_purpose, request.subject, channel,
                          resend ? request.code_id : std::nullopt, std::nullopt, request.account_id};
    if (request.account_id)
        if (auto account = storage::Accounts(db).find(*request.account_id))
            delivery.recipient = contact_of(protector, *account, channel);
    auto outcome = deliver_code(db, codes, protector, delivery, now);
    if (outcome) {
        request.code_id = outcome->id;
        request.code_channel = channel;
        request.stage = RecoveryStage::enter_code;
        // A letter takes days: the request lives as long as its code.
        request.expires_at = std::max(request.expires_at, to_unix_seconds(outcome->expires_at));
    }
    return outcome;
}

ResetDone reset_password(storage::Database& db, const PersonalDataProtector& protector, std::int64_t account_id,
                         const std::string& lockout_key, const std::string& password_hash, TimePoint now,
                         const std::function<void(storage::Connection&)>& remove_draft) {
    const auto now_s = to_unix_seconds(now);
    storage::Notifications queue(db);
    notify::Notifier notifier(queue, protector);
    return db.transaction([&](storage::Connection& c) {
        ResetDone done;
        storage::Accounts accounts(db);
        auto account = accounts.find_for_update(c, account_id);
        if (!account) return done;
        accounts.update_password(c, account_id, password_hash, now_s);
        storage::Lockouts(db).reset(c, lockout_key);
        // Whoever knew the old password is out, everywhere: the person logs in again.
        done.sessions_revoked = storage::end_sessions_of_account(c, account_id, now_s).sessions_revoked;
        done.refresh_tokens_revoked = storage::RefreshTokens(db).revoke_all_of_account(c, account_id, now_s);
        done.access_tokens_revoked = storage::AccessTokens(db).revoke_all_of_account(c, account_id, now_s);
        // Whoever linked a provider identity with the old password is out too: the person links
        // again (SPEC.md §8 step 4).
        done.external_links_removed = linking::drop_external_links(c, db, account_id, "password_reset", now_s);
        if (auto contact = notify::owner_contact(protector, *account))
            notifier.enqueue(
                c, notify::password_changed_message(contact->channel, contact->recipient, account_id), now);
        storage::NewAuditEntry entry;
        entry.at = now_s;
        entry.actor_type = "account";
        entry.actor_id = std::to_string(account_id);
        entry.action = "password.reset";
        entry.account_id = account_id;
        entry.details = {{"reason", "mot-de-passe-oublie"},
                         {"sessions_revoked", done.sessions_revoked},
                         {"refresh_tokens_revoked", done.refresh_tokens_revoked},
                         {"access_tokens_revoked", done.access_tokens_revoked},
                         {"external_links_removed", done.external_links_removed}};
        storage::AuditLog(db).append(c, entry);
        if (remove_draft) remove_draft(c);
        return done;
    });
}

void to_json(nlohmann::json& j, const RecoveryRequest& r) {
    nlohmann::json channels = nlohmann::json::array();
    for (const auto& offered : r.channels)
        channels.push_back({{"channel", to_string(offered.channel)}, {"masked", offered.masked}});
    j = nlohmann::json{{"stage", to_string(r.stage)}, {"subject", r.subject},       {"key", r.lockout_key},
                       {"channels", channels},          {"expires_at", r.expires_at}};
    if (r.account_id) j["account"] = *r.account_id;
    if (r.code_id) j["code_id"] = *r.code_id;
    if (r.code_channel) j["code_channel"] = to_string(*r.code_channel);
}

void from_json(const nlohmann::json& j, RecoveryRequest& r) {
    auto stage = parse_stage(j.at("stage").get<std::string>());
    if (!stage) throw std::invalid_argument("unknown recovery stage");
    r.stage = *stage;
    r.subject = j.at("subject").get<std::string>();
    r.lockout_key = j.at("key").get<std::string>();
    r.expires_at = j.at("expires_at").get<std::int64_t>();
    for (const auto& offered : j.at("channels")) {
        auto channel = parse_code_channel(offered.at("channel").get<std::string>());
        if (!channel) throw std::invalid_argument("unknown recovery channel");
        r.channels.push_back({*channel, offered.at("masked").get<std::string>()});
    }
    if (j.contains("account")) r.account_id = j["account"].get<std::int64_t>();
    if (j.contains("code_id")) r.code_id = j["code_id"].get<std::int64_t>();
    if (j.contains("code_channel")) r.code_channel = parse_code_channel(j["code_channel"].get<std::string>());
}

}  // namespace caf::account::recovery
