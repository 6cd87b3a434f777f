// Stateless DPoP nonces.
#include "oidc/dpop/dpop_nonce.hpp"

#include "core/crypto.hpp"

namespace caf::oidc::dpop {
namespace {

std::string nonce_of_period(std::string_view key, std::int64_t period) {
    return crypto::base64url_encode(crypto::hmac_sha256(key, "dpop-nonce:" + std::to_string(period)));
}

std::int64_t period_of(TimePoint now) { return to_unix_seconds(now) / nonce_period.count(); }

}  // namespace

std::string nonce_key(std::string_view server_secret) {
    return crypto::hmac_sha256(server_secret, "cafconnect dpop nonce key");
}

std::string current_nonce(std::string_view key, TimePoint now) { return nonce_of_period(key, period_of(now)); }

bool is_valid_nonce(std::string_view key, std::string_view nonce, TimePoint now) {
    const auto period = period_of(now);
    // Both compared, so the time taken does not say which period matched.
    const bool current = crypto::constant_time_equal(nonce, nonce_of_period(key, period));
    const bool previous = crypto::constant_time_equal(nonce, nonce_of_period(key, period - 1));
    return current || previous;
}

}  // namespace caf::oidc::dpop
