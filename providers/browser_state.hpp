// The two states the upstream flows bind to the browser (storage/browser_bound_store.hpp): the
// pending authorization, from the redirect to the provider until its callback, and the pending
// chained logout, until the provider sends the browser back. Each is taken once, and only by the
// request that returns its `state`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "providers/upstream_client.hpp"
#include "storage/browser_bound_store.hpp"

namespace caf::providers {

inline constexpr std::string_view authorization_cookie = "__Host-caf_upstream";
inline constexpr std::string_view logout_cookie = "__Host-caf_upstream_logout";
inline constexpr std::chrono::seconds authorization_lifetime{600};

void to_json(nlohmann::json& j, const PendingAuthorization& pending);
void from_json(const nlohmann::json& j, PendingAuthorization& pending);

inline constexpr storage::BrowserBoundKind authorization_kind{
    "upstream-authorization", "caf-connect upstream-authorization", authorization_cookie, authorization_lifetime, true};
using AuthorizationStates = storage::BrowserBoundStore<PendingAuthorization, authorization_kind>;

// Where the browser goes once the provider has ended its session.
struct PendingUpstreamLogout {
    std::string provider;
    std::string state;
    std::string continue_to;
    std::int64_t expires_at = 0;
};
void to_json(nlohmann::json& j, const PendingUpstreamLogout& pending);
void from_json(const nlohmann::json& j, PendingUpstreamLogout& pending);

inline constexpr storage::BrowserBoundKind logout_kind{"upstream-logout", "caf-connect upstream-logout", logout_cookie,
                                                       authorization_lifetime, true};
using LogoutStates = storage::BrowserBoundStore<PendingUpstreamLogout, logout_kind>;

// The test of take(): the state the provider returned is the one stored (constant time).
bool returns_state(std::string_view stored, std::string_view returned);

}  // namespace caf::providers
