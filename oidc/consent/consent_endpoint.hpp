// The consent page (GET /consent) and the person's answer (POST /consent) for clients that are
// not first-party. The pending authorization waits server-side in a short consent interaction,
// bound to the browser's SSO session and consumed by the answer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/http.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc {

inline constexpr std::string_view consent_csrf_purpose = "consent";

// What each scope releases, in French, in the order of `scopes` ("openid" included).
std::vector<std::string> consent_descriptions(const std::vector<std::string>& scopes);

http::Response handle_consent_page(const ProviderContext& ctx, const http::Request& request);
http::Response handle_consent_answer(const ProviderContext& ctx, const http::Request& request);

}  // namespace caf::oidc
