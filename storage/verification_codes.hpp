// Verification codes (6 digits by SMS, mail or letter) stored by digest: bounded tries, single
// use, and the data the resend rate limit needs (last sent, number of sends).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.hpp"

namespace caf::storage {

struct NewVerificationCode {
    std::string purpose;  // "creation", "recovery", "contact_change", ...
    std::string subject;  // what it proves: a draft digest (hex), "account:42", ...
    std::string channel;  // "sms", "email", "letter"
    std::string digest;   // HMAC/SHA-256 of the code
    std::int64_t expires_at = 0;
    std::int64_t max_attempts = 5;
};

struct VerificationCode : NewVerificationCode {
    std::int64_t id = 0;
    std::int64_t created_at = 0;
    std::int64_t attempts = 0;
    std::optional<std::int64_t> consumed_at;
    std::int64_t last_sent_at = 0;
    std::int64_t sends = 0;
};

enum class VerifyOutcome { verified, wrong_code, too_many_attempts, expired, already_used, not_found };

struct VerifyResult {
    VerifyOutcome outcome;
    std::int64_t attempts_left = 0;
};

class VerificationCodes {
public:
    explicit VerificationCodes(Database& db) : db_(db) {}

    std::int64_t create(Connection& c, const NewVerificationCode& code, std::int64_t now);
    std::optional<VerificationCode> find(Connection& c, std::int64_t id);
    // The newest code for (purpose, subject), whatever its state.
    std::optional<VerificationCode> latest(Connection& c, const std::string& purpose, const std::string& subject);
    // Counts the try, compares in constant time, consumes on success. Must run in a write
    // transaction. A wrong try is recorded even though the caller sees a failure.
    VerifyResult verify(Connection& c, std::int64_t id, const std::string& candidate_digest, std::int64_t now);
    // A new code for the same request: new digest and expiry, tries reset, sends + 1,
    // last_sent_at = now. The caller checks the rate limit first (sends, last_sent_at).
    bool resend(Connection& c, std::int64_t id, const std::string& digest, std::int64_t expires_at, std::int64_t now);
    std::int64_t delete_expired(Connection& c, std::int64_t before);

    std::int64_t create(const NewVerificationCode& code, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return create(c, code, now); });
    }
    std::optional<VerificationCode> find(std::int64_t id) {
        return db_.read([&](Connection& c) { return find(c, id); });
    }
    VerifyResult verify(std::int64_t id, const std::string& candidate_digest, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return verify(c, id, candidate_digest, now); });
    }
    bool resend(std::int64_t id, const std::string& digest, std::int64_t expires_at, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return resend(c, id, digest, expires_at, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
