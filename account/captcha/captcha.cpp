// Captcha challenges over the verification_codes repository: issue, check once, draw.
#include "account/captcha/captcha.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include "account/captcha/captcha_image.hpp"
#include "core/crypto.hpp"
#include "storage/verification_codes.hpp"

namespace caf::account {
namespace {

// Labels keep the secret's uses apart: an id's lookup key, its answer, its picture, the check.
constexpr std::string_view label_subject = "captcha.subject\n";
constexpr std::string_view label_answer = "captcha.answer\n";
constexpr std::string_view label_noise = "captcha.noise\n";
constexpr std::string_view label_check = "captcha.check\n";

// A deterministic stream keyed by a digest, so one challenge always draws the same picture.
class KeyedStream final : public Random {
public:
    explicit KeyedStream(std::string key) : key_(std::move(key)) {}
    void fill(std::span<std::byte> out) override {
        for (auto& b : out) {
            if (used_ == block_.size()) refill();
            b = static_cast<std::byte>(block_[used_++]);
        }
    }

private:
    void refill() {
        block_ = crypto::hmac_sha256(key_, std::to_string(counter_++));
        used_ = 0;
    }
    std::string key_;
    std::string block_;
    std::size_t used_ = 0;
    std::uint64_t counter_ = 0;
};

std::string concat(std::string_view a, std::string_view b) {
    std::string out(a);
    out += b;
    return out;
}

}  // namespace

std::string normalise_captcha_answer(std::string_view typed) {
    std::string out;
    out.reserve(typed.size());
    for (char ch : typed) {
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') continue;
        out.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 'a' + 'A') : ch);
    }
    return out;
}

bool well_formed_captcha_id(std::string_view id) {
    return id.size() == 22 && std::all_of(id.begin(), id.end(), [](char ch) {
               return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                      ch == '_';
           });
}

std::string captcha_image_url(std::string_view id) {
    std::string url(captcha_path_prefix);
    url += id;
    url += ".png";
    return url;
}

CaptchaService::CaptchaService(storage::Database& db, std::string secret, Random& random, CaptchaConfig config)
    : db_(db), secret_(std::move(secret)), random_(random), config_(config) {
    if (secret_.size() < 32) throw std::invalid_argument("captcha: the secret must be at least 32 bytes");
    if (config_.validity.count() <= 0) throw std::invalid_argument("captcha: validity must be positive");
}

std::string CaptchaService::answer_for(std::string_view id) const {
    // Rejection sampling keeps the characters uniform: 240 is the largest multiple of 20 ≤ 256.
    static_assert(256 / captcha_alphabet.size() * captcha_alphabet.size() == 240);
    std::string answer;
    for (std::uint32_t round = 0; answer.size() < captcha_length; ++round) {
        std::string message = concat(label_answer, id);
        message += '\n';
        message += std::to_string(round);
        for (unsigned char byte : crypto::hmac_sha256(secret_, message)) {
            if (byte >= 240) continue;
            answer.push_back(captcha_alphabet[byte % captcha_alphabet.size()]);
            if (answer.size() == captcha_length) break;
        }
    }
    return answer;
}

std::string CaptchaService::subject_for(std::string_view id) const {
    return crypto::hex_encode(crypto::hmac_sha256(secret_, concat(label_subject, id)));
}

std::string CaptchaService::answer_digest(std::string_view binding, std::string_view normalised_answer) const {
    std::string message(label_check);
    message += crypto::sha256(binding);
    message += '\n';
    message += normalised_answer;
    return crypto::hmac_sha256(secret_, message);
}

Challenge CaptchaService::issue(storage::Connection& c, std::string_view binding, TimePoint now) {
    Challenge challenge;
    challenge.id = random_token(random_, 16);
    challenge.answer = answer_for(challenge.id);
    const std::int64_t now_s = to_unix_seconds(now);
    storage::NewVerificationCode row;
    row.purpose = std::string(purpose);
    row.subject = subject_for(challenge.id);
    row.channel = "image";
    row.digest = answer_digest(binding, challenge.answer);
    row.expires_at = now_s + config_.validity.count();
    row.max_attempts = 1;  // one answer per picture, right or wrong
    storage::VerificationCodes(db_).create(c, row, now_s);
    return challenge;
}

Challenge CaptchaService::issue(std::string_view binding, TimePoint now) {
    return db_.transaction([&](storage::Connection& c) { return issue(c, binding, now); });
}

CaptchaPrompt CaptchaService::prompt(std::string_view binding, TimePoint now) {
    auto challenge = issue(binding, now);
    return CaptchaPrompt{challenge.id, captcha_image_url(challenge.id), std::string(captcha_alt)};
}

bool CaptchaService::check(storage::Connection& c, std::string_view id, std::string_view typed,
                           std::string_view binding, TimePoint now) {
    // Computed before anything can fail, so a malformed or unknown id costs the same work.
    const std::string candidate = answer_digest(binding, normalise_captcha_answer(typed));
    if (!well_formed_captcha_id(id)) return false;
    storage::VerificationCodes codes(db_);
    const auto row = codes.latest(c, std::string(purpose), subject_for(id));
    if (!row) return false;
    return codes.verify(c, row->id, candidate, to_unix_seconds(now)).outcome == storage::VerifyOutcome::verified;
}

bool CaptchaService::check(std::string_view id, std::string_view typed, std::string_view binding, TimePoint now) {
    return db_.transaction([&](storage::Connection& c) { return check(c, id, typed, binding, now); });
}

std::optional<std::string> CaptchaService::image(std::string_view id, TimePoint now) const {
    if (!well_formed_captcha_id(id)) return std::nullopt;
    const std::string subject = subject_for(id);
    const auto row = db_.read([&](storage::Connection& c) {
        return storage::VerificationCodes(db_).latest(c, std::string(purpose), subject);
    });
    const bool alive = row && !row->consumed_at && row->expires_at > to_unix_seconds(now) &&
                       row->attempts < row->max_attempts;
    if (!alive) return std::nullopt;
    KeyedStream noise(crypto::hmac_sha256(secret_, concat(label_noise, id)));
    return render_png(answer_for(id), noise);
}

}  // namespace caf::account
