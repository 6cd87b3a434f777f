// Verification codes over the verification_codes repository, with the resend limits kept in
// the same transaction as the code they concern.
#include "account/verification/verification_code_service.hpp"

#include <stdexcept>

#include "core/crypto.hpp"
#include "storage/rate_limits.hpp"
#include "storage/verification_codes.hpp"

namespace caf::account {
namespace {

constexpr std::int64_t send_window_seconds = 3600;

std::string without_spaces(std::string_view typed) {
    std::string out;
    out.reserve(typed.size());
    for (char ch : typed)
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') out.push_back(ch);
    return out;
}

bool belongs(const storage::VerificationCode& code, std::string_view purpose, std::string_view subject) {
    return code.purpose == purpose && code.subject == subject;
}

// Only the newest code of a request can be used or resent: sending a new one replaces the others.
bool superseded(storage::VerificationCodes& codes, storage::Connection& c, const storage::VerificationCode& code) {
    const auto newest = codes.latest(c, code.purpose, code.subject);
    return newest && newest->id != code.id;
}

}  // namespace

std::string_view to_string(CodeChannel channel) {
    switch (channel) {
        case CodeChannel::email: return "email";
        case CodeChannel::sms: return "sms";
        case CodeChannel::letter: return "letter";
    }
    return "sms";
}

std::optional<CodeChannel> parse_code_channel(std::string_view text) {
    if (text == "email") return CodeChannel::email;
    if (text == "sms") return CodeChannel::sms;
    if (text == "letter") return CodeChannel::letter;
    return std::nullopt;
}

std::chrono::seconds VerificationCodeConfig::validity(CodeChannel channel) const {
    switch (channel) {
        case CodeChannel::email: return email_validity;
        case CodeChannel::sms: return sms_validity;
        case CodeChannel::letter: return letter_validity;
    }
    return sms_validity;
}

std::string message(const CodeVerification& v) {
    switch (v.outcome) {
        case CodeCheck::ok: return {};
        case CodeCheck::wrong:
            return "Le code saisi est incorrect. Il vous reste " + std::to_string(v.tries_left) +
                   (v.tries_left == 1 ? " essai." : " essais.");
        case CodeCheck::expired: return "Ce code a expiré. Demandez l'envoi d'un nouveau code.";
        case CodeCheck::exhausted:
            return "Vous avez atteint le nombre maximal d'essais. Demandez l'envoi d'un nouveau code.";
        case CodeCheck::already_used: return "Ce code a déjà été utilisé. Demandez l'envoi d'un nouveau code.";
        case CodeCheck::unknown: return "Ce code n'est plus valide. Demandez l'envoi d'un nouveau code.";
    }
    return {};
}

std::string resend_message(const SendOutcome& outcome) {
    if (outcome) return "Un nouveau code vous a été envoyé.";
    if (outcome.error().reason == SendRefusal::not_resendable)
        return "Ce code n'est plus valide. Veuillez recommencer votre demande.";
    return "Veuillez patienter avant de demander un nouveau code.";
}

VerificationCodeService::VerificationCodeService(storage::Database& db, std::string secret, Random& random,
                                                 VerificationCodeConfig config)
    : db_(db), secret_(std::move(secret)), random_(random), config_(config) {
    if (secret_.size() < 32) throw std::invalid_argument("verification codes: the secret must be at least 32 bytes");
    if (config_.sms_validity.count() <= 0 || config_.email_validity.count() <= 0 ||
        config_.letter_validity.count() <= 0)
        throw std::invalid_argument("verification codes: every validity must be positive");
    if (config_.max_tries < 1 || config_.max_sends_per_hour < 1 || config_.resend_min_interval.count() < 0)
        throw std::invalid_argument(
            "verification codes: max_tries and max_sends_per_hour must be ≥ 1, resend_min_interval ≥ 0");
}

std::string VerificationCodeService::digest(std::string_view purpose, std::string_view subject,
                                            std::string_view code) const {
    // Purpose and subject are in the MAC: a code is worth nothing for another request.
    std::string message("verification_code\n");
    message += purpose;
    message += '\n';
    message += subject;
    message += '\n';
    message += code;
    return crypto::hmac_sha256(secret_, message);
}

std::string VerificationCodeService::send_bucket(std::string_view purpose, std::string_view subject) const {
    std::string key("verification_code.send\n");
    key += purpose;
    key += '\n';
    key += subject;
    return crypto::sha256(key);
}

SendOutcome VerificationCodeService::send_code(storage::Connection& c, std::string_view purpose,
                                               std::string_view subject, CodeChannel channel, TimePoint now) {
    const std::int64_t now_s = to_unix_seconds(now);
    const auto decision =
        storage::RateLimits(db_).hit(c, send_bucket(purpose, subject), now_s, send_window_seconds,
                                     config_.max_sends_per_hour);
    if (!decision.allowed)
        return unexpected(SendRefused{SendRefusal::too_many_sends, std::chrono::seconds{decision.retry_after}});

    SentCode sent;
    sent.code = random_digits(random_, verification_code_length);
    sent.channel = channel;
    sent.expires_at = from_unix_seconds(now_s + config_.validity(channel).count());
    storage::NewVerificationCode row;
    row.purpose = std::string(purpose);
    row.subject = std::string(subject);
    row.channel = std::string(to_string(channel));
    row.digest = digest(purpose, subject, sent.code);
    row.expires_at = to_unix_seconds(sent.expires_at);
    row.max_attempts = config_.max_tries;
    sent.id = storage::VerificationCodes(db_).create(c, row, now_s);
    return sent;
}

SendOutcome VerificationCodeService::send_code(std::string_view purpose, std::string_view subject,
                                               CodeChannel channel, TimePoint now) {
    return db_.transaction([&](storage::Connection& c) { return send_code(c, purpose, subject, channel, now); });
}

CodeVerification VerificationCodeService::verify(storage::Connection& c, std::int64_t id, std::string_view purpose,
                                                 std::string_view subject, std::string_view typed, TimePoint now) {
    // The MAC first: an unknown id costs the same work as a known one.
    const std::string candidate = digest(purpose, subject, without_spaces(typed));
    storage::VerificationCodes codes(db_);
    const auto code = codes.find(c, id);
    if (!code || !belongs(*code, purpose, subject)) return {CodeCheck::unknown, 0};
    if (code->consumed_at) return {CodeCheck::already_used, 0};
    if (superseded(codes, c, *code)) return {CodeCheck::expired, 0};

    const auto result = codes.verify(c, id, candidate, to_unix_seconds(now));
    const int left = static_cast<int>(result.attempts_left);
    switch (result.outcome) {
        case storage::VerifyOutcome::verified: return {CodeCheck::ok, left};
        // The last wrong try says so at once rather than "Il vous reste 0 essais".
        case storage::VerifyOutcome::wrong_code: return {left > 0 ? CodeCheck::wrong : CodeCheck::exhausted, left};
        case storage::VerifyOutcome::too_many_attempts: return {CodeCheck::exhausted, 0};
        case storage::VerifyOutcome::expired: return {CodeCheck::expired, 0};
        case storage::VerifyOutcome::already_used: return {CodeCheck::already_used, 0};
        case storage::VerifyOutcome::not_found: return {CodeCheck::unknown, 0};
    }
    return {CodeCheck::unknown, 0};
}

CodeVerification VerificationCodeService::verify(std::int64_t id, std::string_view purpose, std::string_view subject,
                                                 std::string_view typed, TimePoint now) {
    return db_.transaction([&](storage::Connection& c) { return verify(c, id, purpose, subject, typed, now); });
}

namespace {

// The refusal a resend of `code` meets before the hourly cap, if any.
std::optional<SendRefused> refusal_before_cap(storage::VerificationCodes& codes, storage::Connection& c,
                                              const std::optional<storage::VerificationCode>& code,
                                              std::string_view purpose, std::string_view subject,
                                              const VerificationCodeConfig& config, std::int64_t now_s) {
    if (!code || !belongs(*code, purpose, subject) || code->consumed_at || !parse_code_channel(code->channel) ||
        superseded(codes, c, *code))
        return SendRefused{SendRefusal::not_resendable, std::chrono::seconds{0}};
    const std::int64_t next = code->last_sent_at + config.resend_min_interval.count();
    if (now_s < next) return SendRefused{SendRefusal::too_soon, std::chrono::seconds{next - now_s}};
    return std::nullopt;
}

}  // namespace

std::optional<SendRefused> VerificationCodeService::resend_refusal(std::int64_t id, std::string_view purpose,
                                                                   std::string_view subject, TimePoint now) {
    return db_.read([&](storage::Connection& c) {
        storage::VerificationCodes codes(db_);
        return refusal_before_cap(codes, c, codes.find(c, id), purpose, subject, config_, to_unix_seconds(now));
    });
}

SendOutcome VerificationCodeService::resend(storage::Connection& c, std::int64_t id, std::string_view purpose,
                                            std::string_view subject, TimePoint now) {
    const std::int64_t now_s = to_unix_seconds(now);
    storage::VerificationCodes codes(db_);
    const auto code = codes.find(c, id);
    if (auto refused = refusal_before_cap(codes, c, code, purpose, subject, config_, now_s)) return unexpected(*refused);
    const auto decision = storage::RateLimits(db_).hit(c, send_bucket(purpose, subject), now_s, send_window_seconds,
                                                       config_.max_sends_per_hour);
    if (!decision.allowed)
        return unexpected(SendRefused{SendRefusal::too_many_sends, std::chrono::seconds{decision.retry_after}});

    SentCode sent;
    sent.id = id;
    sent.channel = *parse_code_channel(code->channel);
    sent.code = random_digits(random_, verification_code_length);
    sent.expires_at = from_unix_seconds(now_s + config_.validity(sent.channel).count());
    // The new digest replaces the old one in the same row: the previous code stops working.
    if (!codes.resend(c, id, digest(purpose, subject, sent.code), to_unix_seconds(sent.expires_at), now_s))
        return unexpected(SendRefused{SendRefusal::not_resendable, std::chrono::seconds{0}});
    return sent;
}

SendOutcome VerificationCodeService::resend(std::int64_t id, std::string_view purpose, std::string_view subject,
                                            TimePoint now) {
    return db_.transaction([&](storage::Connection& c) { return resend(c, id, purpose, subject, now); });
}

}  // namespace caf::account
