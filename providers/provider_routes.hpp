// The relying-party pages (SPEC.md §8): for each configured provider,
//   GET /providers/<name>/start?interaction=ID   blocking  state/nonce/PKCE, 302 to the provider
//   GET /providers/<name>/callback               blocking  state, iss, code exchange, ID token,
//                                                          userinfo, pivot, link, login
//   GET /providers/<name>/logout-callback        blocking  end of the chained logout
// and GET /franceconnect?interaction=ID (the login page's button) for the provider "franceconnect".
// Every refusal shows a French page, links and completes nothing, and is audited as
// `provider.callback_rejected` with the provider and a reason code (no personal data).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "account/web/account_context.hpp"
#include "core/router.hpp"
#include "core/upstream_logout.hpp"
#include "providers/browser_state.hpp"
#include "core/http_fetcher.hpp"
#include "providers/upstream_client.hpp"

namespace caf::providers {

// The no-match identity waits this long for "J'ai déjà un compte" or the prefilled creation.
// The refusal of a provider login whose identity is linked to an account that cannot log in.
inline constexpr std::string_view account_unusable_message =
    "La connexion à votre compte Caf n'est pas possible. Pour en savoir plus, contactez votre Caf.";

// The configured providers, by name.
class ProviderRegistry {
public:
    ProviderRegistry(const config::Config& config, http::HttpFetcher& fetcher, const Clock& clock, Random& random,
                     MetadataSettings settings = {});
    UpstreamProvider* find(std::string_view name) const;
    const std::map<std::string, std::unique_ptr<UpstreamProvider>, std::less<>>& all() const { return providers_; }

private:
    std::map<std::string, std::unique_ptr<UpstreamProvider>, std::less<>> providers_;
};

// The chained logout (core/upstream_logout.hpp) through the registry.
class ChainedLogout final : public UpstreamLogout {
public:
    ChainedLogout(ProviderRegistry& registry, storage::Database& db, Random& random)
        : registry_(registry), random_(random), states_(db, random) {}
    std::optional<UpstreamLogoutRedirect> start(const std::string& provider, const std::string& id_token,
                                                const std::string& continue_to, TimePoint now) override;

private:
    ProviderRegistry& registry_;
    Random& random_;
    LogoutStates states_;
};

void register_provider_routes(http::Router& router, account::AccountContext& account, ProviderRegistry& registry);

}  // namespace caf::providers
