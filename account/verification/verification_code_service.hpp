// Verification codes of login security, account creation and recovery (SPEC.md §4, §5, §6):
// 6 digits, stored as an HMAC, valid 10 minutes by SMS, 15 by mail and days by letter, single
// use, a bounded number of tries, resend rate-limited. The service hands the code to its caller,
// which queues the notification; the code is never logged nor stored in clear.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "core/random.hpp"
#include "storage/database.hpp"

namespace caf::account {

enum class CodeChannel { email, sms, letter };
// "email", "sms", "letter": the values stored in verification_codes.channel.
std::string_view to_string(CodeChannel channel);
std::optional<CodeChannel> parse_code_channel(std::string_view text);

inline constexpr std::size_t verification_code_length = 6;

struct VerificationCodeConfig {
    std::chrono::seconds sms_validity{10 * 60};
    std::chrono::seconds email_validity{15 * 60};
    std::chrono::seconds letter_validity{15 * 24 * 3600};
    int max_tries = 5;
    std::chrono::seconds resend_min_interval{60};
    // Codes sent (first sends and resends) per purpose and subject in a fixed one-hour window.
    int max_sends_per_hour = 5;

    std::chrono::seconds validity(CodeChannel channel) const;
};

struct SentCode {
    std::int64_t id = 0;   // keep it with the request (draft, recovery); it is not a secret
    std::string code;      // 6 digits: put it in the notification, nowhere else
    TimePoint expires_at;
    CodeChannel channel = CodeChannel::sms;
};

enum class SendRefusal {
    too_soon,        // less than resend_min_interval since the last send
    too_many_sends,  // max_sends_per_hour reached
    not_resendable,  // unknown, used or replaced code, or another purpose/subject
};
struct SendRefused {
    SendRefusal reason = SendRefusal::too_soon;
    std::chrono::seconds retry_after{0};  // 0 when waiting will not help (not_resendable)
};
using SendOutcome = expected<SentCode, SendRefused>;

enum class CodeCheck {
    ok,            // right code, now consumed
    wrong,         // wrong code, tries_left more allowed
    expired,       // past its validity, or replaced by a newer code for the same request
    exhausted,     // no try left
    already_used,  // consumed by an earlier right answer
    unknown,       // no such code for this purpose and subject
};
struct CodeVerification {
    CodeCheck outcome = CodeCheck::unknown;
    int tries_left = 0;  // meaningful for `wrong`
};

// The French message shown on the code field; empty for `ok`.
std::string message(const CodeVerification& verification);
// "Un nouveau code vous a été envoyé." / "Veuillez patienter avant de demander un nouveau code." / ...
std::string resend_message(const SendOutcome& outcome);

class VerificationCodeService {
public:
    // `secret`: at least 32 bytes, the same on every node (codes are stored as its HMAC).
    // Throws std::invalid_argument on a short secret or a nonsensical config (startup errors).
    VerificationCodeService(storage::Database& db, std::string secret, Random& random,
                            VerificationCodeConfig config = {});

    // A new code for (purpose, subject) by `channel`. Any earlier code of that request stops
    // working. Refused with too_many_sends past max_sends_per_hour. `subject` names what the
    // code proves ("draft:<hex digest>", "account:42"); never personal data in clear.
    SendOutcome send_code(storage::Connection& c, std::string_view purpose, std::string_view subject,
                          CodeChannel channel, TimePoint now);
    SendOutcome send_code(std::string_view purpose, std::string_view subject, CodeChannel channel, TimePoint now);

    // Checks `typed` (spaces ignored) against code `id`, which must belong to (purpose, subject):
    // counts the try, compares in constant time, consumes the code when right.
    CodeVerification verify(storage::Connection& c, std::int64_t id, std::string_view purpose,
                            std::string_view subject, std::string_view typed, TimePoint now);
    CodeVerification verify(std::int64_t id, std::string_view purpose, std::string_view subject,
                            std::string_view typed, TimePoint now);

    // Whether "Demander l'envoi d'un nouveau code" may be honoured now, from the code's own
    // history (the minimum interval, its state). The hourly cap is only known when resend() counts.
    std::optional<SendRefused> resend_refusal(std::int64_t id, std::string_view purpose, std::string_view subject,
                                              TimePoint now);
    bool can_resend(std::int64_t id, std::string_view purpose, std::string_view subject, TimePoint now) {
        return !resend_refusal(id, purpose, subject, now);
    }

    // A new code for the same request and channel, replacing the old one (which stops working);
    // tries start again and the validity runs from now.
    SendOutcome resend(storage::Connection& c, std::int64_t id, std::string_view purpose, std::string_view subject,
                       TimePoint now);
    SendOutcome resend(std::int64_t id, std::string_view purpose, std::string_view subject, TimePoint now);

    const VerificationCodeConfig& config() const { return config_; }

private:
    std::string digest(std::string_view purpose, std::string_view subject, std::string_view code) const;
    std::string send_bucket(std::string_view purpose, std::string_view subject) const;

    storage::Database& db_;
    std::string secret_;
    Random& random_;
    VerificationCodeConfig config_;
};

}  // namespace caf::account
