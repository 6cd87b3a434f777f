// "Mot de passe oublié" (SPEC.md §6) without HTTP: who asks (identifier + nom de naissance), the
// channels offered, the code, the new password stored in one transaction with everything a
// reset must end. Known and unknown identifiers take the same path and leave the same traces:
// a request that matches no account gets plausible masked channels derived from the identifier
// and a real code that nobody receives, so every page after the first one looks the same.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "account/identifiers/login_identifier.hpp"
#include "core/personal_data_protector.hpp"
#include "account/verification/verification_code_service.hpp"
#include "core/clock.hpp"
#include "storage/browser_bound_store.hpp"
#include "storage/database.hpp"

namespace caf::account::recovery {

inline constexpr std::string_view recovery_code_purpose = "password-recovery";
inline constexpr std::string_view cookie_name = "__Host-caf_recuperation";
inline constexpr std::string_view recovery_path = "/mot-de-passe-oublie";
// Enough to read a mail or an SMS and choose a password; a letter's code keeps the request alive
// as long as the code lives (the person comes back days later, in the same browser).
inline constexpr std::chrono::seconds request_lifetime{30 * 60};

// Rate limits of the first step ("Valider"), fixed one-hour windows in storage rate_limits.
struct RecoveryLimits {
    std::int64_t window_seconds = 3600;
    std::int64_t per_identifier = 5;  // requests for one NIR / provisional id, from anywhere
    std::int64_t per_ip = 20;         // requests from one address, whatever the identifier
};

// One channel offered on "Nous allons vous envoyer un code de vérification par :".
struct OfferedChannel {
    CodeChannel channel = CodeChannel::email;
    std::string masked;  // "j***@e***.fr", "06 ** ** ** 78", "code postal 31***"
};

enum class RecoveryStage { choose_channel, enter_code, new_password };
std::string_view to_string(RecoveryStage stage) noexcept;

// The request in progress, a browser-bound state (see RecoveryRequests).
struct RecoveryRequest {
    RecoveryStage stage = RecoveryStage::choose_channel;
    // Set only when identifier and nom de naissance matched an active account.
    std::optional<std::int64_t> account_id;
    // The subject of the codes: "account:ID", or "nobody:<digest>" for a request that matched
    // nothing (the code exists, so resends and tries behave the same, but is never sent).
    std::string subject;
    std::string lockout_key;  // the identifier's lockout key, cleared by the reset
    std::vector<OfferedChannel> channels;
    std::optional<std::int64_t> code_id;
    std::optional<CodeChannel> code_channel;
    std::int64_t expires_at = 0;
};

// Step 1's verdict. The caller cannot tell the two matching states apart on purpose: only
// `request` goes on to the next page, and it is built the same way for both.
struct IdentifyOutcome {
    RecoveryRequest request;
    bool matched = false;  // for the audit and the tests, never for the page
};

// What the person typed at step 1 (the identifier already parsed, with the login's messages).
IdentifyOutcome identify(storage::Database& db, const PersonalDataProtector& protector,
                         const LoginIdentifier& identifier, std::string_view birth_name, TimePoint now);

// The channels of a request that matched nothing: one, two, all three or none of e-mail, SMS and
// letter, as often as real accounts have them, with masked values, all derived from an HMAC of
// the identifier (stable, so asking twice shows the same), in the shape the real masking gives.
// Exposed for tests.
std::vector<OfferedChannel> decoy_channels(const PersonalDataProtector& protector, std::string_view lockout_key);

// "code postal 31***": the postal address shown masked (the first 2 digits of its postal code).
std::string mask_postal_address(std::string_view address);

// Step 2: a code by `channel` (one of request.channels), queued for the account's contact in the
// same transaction; for a request that matched nothing, the same code work without a message.
// The request is updated with the code. Refusals are the code service's (rate limits).
SendOutcome send_recovery_code(storage::Database& db, const PersonalDataProtector& protector,
                               VerificationCodeService& codes, RecoveryRequest& request, CodeChannel channel,
                               TimePoint now, bool resend);

// Step 4, in one transaction: the new hash, the identifier's lockout counter cleared, every
// session, refresh token and access token of the account revoked, its provider links dropped, the "mot de passe modifié"
// notice queued, the audit entry, the request's draft removed (`remove_draft`).
struct ResetDone {
    std::int64_t sessions_revoked = 0;
    std::int64_t refresh_tokens_revoked = 0;
    std::int64_t access_tokens_revoked = 0;
    std::int64_t external_links_removed = 0;
};
ResetDone reset_password(storage::Database& db, const PersonalDataProtector& protector, std::int64_t account_id,
                         const std::string& lockout_key, const std::string& password_hash, TimePoint now,
                         const std::function<void(storage::Connection&)>& remove_draft);

void to_json(nlohmann::json& j, const RecoveryRequest& request);
void from_json(const nlohmann::json& j, RecoveryRequest& request);

// Requests are browser-bound states in `__Host-caf_recuperation`; the cookie lasts as long as the
// request (a letter's code keeps it alive for days).
inline constexpr storage::BrowserBoundKind request_kind{"password-recovery", "caf-connect password recovery",
                                                        cookie_name, request_lifetime, true};
using RecoveryRequests = storage::BrowserBoundStore<RecoveryRequest, request_kind>;
using LoadedRequest = storage::BrowserBound<RecoveryRequest>;

}  // namespace caf::account::recovery
