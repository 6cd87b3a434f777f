// The provider's own French pages around the authorization flow: the error page shown when a
// request cannot be answered by a redirect, and the no-store rule for everything on this path.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "core/http.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc {

// Responses of the authorization and logout paths carry codes, state or personal data: never cached.
http::Response& no_store(http::Response& response);

// web/templates/oidc_error.mustache: a title and a message, nothing linked.
http::Response error_page(const ProviderContext& ctx, int status, std::string_view message,
                          std::string_view title = "Connexion impossible");

// A page of web/templates with `data` (which must hold "title"), no-store.
http::Response page(const ProviderContext& ctx, int status, const std::string& name, const nlohmann::json& data);

}  // namespace caf::oidc
