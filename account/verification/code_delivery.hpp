// Sending a verification code to a person: the code, its message in the notification queue and
// the caller's record of it (a draft, a pending login, a recovery request) are written in one
// transaction, so a crash never leaves a code nobody was told of, nor a message for a code the
// caller forgot. Creation, first connection, renewal and recovery all send through here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "notify/notification.hpp"
#include "core/personal_data_protector.hpp"
#include "account/verification/verification_code_service.hpp"
#include "core/clock.hpp"
#include "storage/database.hpp"

namespace caf::account {

// The notification channel a code goes out on.
notify::NotificationChannel notification_channel(CodeChannel channel);

struct CodeDelivery {
    std::string_view purpose;
    std::string_view subject;
    CodeChannel channel;
    std::optional<std::int64_t> resend_of;   // the code to send again; none: a new code
    std::optional<std::string> recipient;    // mail, number or address; none: no message (a decoy)
    std::optional<std::int64_t> account_id;  // the account the message is for, when there is one
};

// Sends (or resends) the code and queues its message; `record` runs in the same transaction once
// the code is sent. A refusal (too soon, too many, not resendable) writes nothing.
SendOutcome deliver_code(storage::Database& db, VerificationCodeService& codes, const PersonalDataProtector& protector,
                         const CodeDelivery& delivery, TimePoint now,
                         const std::function<void(storage::Connection&, const SentCode&)>& record = {});

}  // namespace caf::account
