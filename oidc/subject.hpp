// The public identifiers the provider derives for a person: the stable opaque `sub` of an account
// and the `sid` of an SSO session. Both are one-way, so a token never reveals an account id or a
// session cookie.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "oidc/provider_context.hpp"

namespace caf::oidc {

// hex HMAC-SHA256(subject_secret, "sub:" + account id), first 32 hex characters: stable per
// account as long as the subject secret is kept.
std::string subject_of(const ProviderContext& ctx, std::int64_t account_id);
std::string subject_of(std::string_view subject_secret, std::int64_t account_id);

// The `sid` claim of an SSO session: hex SHA-256("sid:" + session digest), 32 characters. The
// session digest is itself a lookup key, so it is hashed again before leaving the provider.
std::string sid_of(std::string_view session_digest);

}  // namespace caf::oidc
