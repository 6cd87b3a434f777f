// Subject and session identifiers.
#include "oidc/subject.hpp"

#include "core/crypto.hpp"

namespace caf::oidc {

std::string subject_of(std::string_view subject_secret, std::int64_t account_id) {
    std::string input = "sub:";
    input += std::to_string(account_id);
    auto mac = crypto::hmac_sha256(subject_secret, input);
    return crypto::hex_encode(mac).substr(0, 32);
}

std::string subject_of(const ProviderContext& ctx, std::int64_t account_id) {
    return subject_of(ctx.subject_secret, account_id);
}

std::string sid_of(std::string_view session_digest) {
    std::string input = "sid:";
    input += session_digest;
    return crypto::hex_encode(crypto::sha256(input)).substr(0, 32);
}

}  // namespace caf::oidc
