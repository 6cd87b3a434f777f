// Verification codes: the try is counted in the same transaction that compares the digest.
#include "storage/verification_codes.hpp"

#include "core/crypto.hpp"

namespace caf::storage {

namespace {

constexpr std::string_view select_code =
    "SELECT id, purpose, subject, channel, digest, created_at, expires_at, attempts, max_attempts, consumed_at, "
    "last_sent_at, sends FROM verification_codes ";

VerificationCode to_code(const Row& r) {
    VerificationCode v;
    v.id = r.integer("id");
    v.purpose = r.text("purpose");
    v.subject = r.text("subject");
    v.channel = r.text("channel");
    v.digest = r.blob("digest");
    v.created_at = r.integer("created_at");
    v.expires_at = r.integer("expires_at");
    v.attempts = r.integer("attempts");
    v.max_attempts = r.integer("max_attempts");
    v.consumed_at = r.optional_integer("consumed_at");
    v.last_sent_at = r.integer("last_sent_at");
    v.sends = r.integer("sends");
    return v;
}

}  // namespace

std::int64_t VerificationCodes::create(Connection& c, const NewVerificationCode& v, std::int64_t now) {
    c.exec("INSERT INTO verification_codes (purpose, subject, channel, digest, created_at, expires_at, attempts, "
           "max_attempts, consumed_at, last_sent_at, sends) VALUES (?, ?, ?, ?, ?, ?, 0, ?, NULL, ?, 1)",
           {v.purpose, v.subject, v.channel, Blob{v.digest}, now, v.expires_at, v.max_attempts, now});
    return c.last_insert_id();
}

std::optional<VerificationCode> VerificationCodes::find(Connection& c, std::int64_t id) {
    auto row = c.query_one(std::string(select_code) + "WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return to_code(*row);
}

std::optional<VerificationCode> VerificationCodes::latest(Connection& c, const std::string& purpose,
                                                          const std::string& subject) {
    auto row = c.query_one(std::string(select_code) + "WHERE purpose = ? AND subject = ? ORDER BY id DESC LIMIT 1",
                           {purpose, subject});
    if (!row) return std::nullopt;
    return to_code(*row);
}

VerifyResult VerificationCodes::verify(Connection& c, std::int64_t id, const std::string& candidate_digest,
                                       std::int64_t now) {
    auto row = c.query_one(std::string(select_code) + "WHERE id = ?" + std::string(c.dialect().for_update()), {id});
    if (!row) return {VerifyOutcome::not_found, 0};
    const VerificationCode code = to_code(*row);
    if (code.consumed_at) return {VerifyOutcome::already_used, 0};
    if (code.expires_at <= now) return {VerifyOutcome::expired, 0};
    if (code.attempts >= code.max_attempts) return {VerifyOutcome::too_many_attempts, 0};
    const std::int64_t attempts = code.attempts + 1;
    const bool match = crypto::constant_time_equal(code.digest, candidate_digest);
    c.exec("UPDATE verification_codes SET attempts = ?, consumed_at = ? WHERE id = ?",
           {attempts, nullable(match ? std::optional<std::int64_t>(now) : std::nullopt), id});
    if (match) return {VerifyOutcome::verified, code.max_attempts - attempts};
    return {VerifyOutcome::wrong_code, code.max_attempts - attempts};
}

bool VerificationCodes::resend(Connection& c, std::int64_t id, const std::string& digest, std::int64_t expires_at,
                               std::int64_t now) {
    return c.exec("UPDATE verification_codes SET digest = ?, expires_at = ?, attempts = 0, sends = sends + 1, "
                  "last_sent_at = ? WHERE id = ? AND consumed_at IS NULL",
                  {Blob{digest}, expires_at, now, id}) == 1;
}

std::int64_t VerificationCodes::delete_expired(Connection& c, std::int64_t before) {
    return c.exec("DELETE FROM verification_codes WHERE expires_at <= ?", {before});
}

}  // namespace caf::storage
