// Scopes as the token endpoint handles them: a space-separated string on the wire, a sorted set
// of distinct names inside, and the line between identity scopes (about a person) and API scopes
// (what client_credentials may ask for).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace caf::oidc::issuance {

using ScopeSet = std::set<std::string>;

// Nullopt for a malformed scope parameter (RFC 6749 §3.3: non-empty tokens of %x21 / %x23-5B /
// %x5D-7E separated by single spaces).
std::optional<ScopeSet> parse_scope(std::string_view text);
// Sorted, space-separated.
std::string to_string(const ScopeSet& scopes);
std::vector<std::string> to_vector(const ScopeSet& scopes);

// Scopes that release something about a person or a session: never granted to a client on its
// own behalf (client_credentials).
bool is_identity_scope(std::string_view scope);

bool is_subset(const ScopeSet& inner, const ScopeSet& outer);

}  // namespace caf::oidc::issuance
