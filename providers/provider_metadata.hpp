// Discovery document and JWKS of one upstream provider, cached (thread-safe) with a TTL. An ID
// token whose kid is unknown may force one JWKS refetch, at most once per `refetch_interval`, so
// a flood of forged kids cannot turn Caf Connect into a load generator against the provider.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "oidc/jose/jwk.hpp"
#include "core/http_fetcher.hpp"

namespace caf::providers {

struct ProviderEndpoints {
    std::string authorization;
    std::string token;
    std::string userinfo;
    std::string jwks_uri;
    std::string end_session;                  // empty: the provider has none
    bool pkce_s256 = false;                   // code_challenge_methods_supported lists S256
    bool iss_parameter_supported = false;     // authorization_response_iss_parameter_supported
};

struct MetadataSettings {
    std::chrono::seconds ttl{600};
    std::chrono::seconds refetch_interval{30};
};

class ProviderMetadata {
public:
    ProviderMetadata(const config::ProviderConfig& config, http::HttpFetcher& fetcher, const Clock& clock,
                     MetadataSettings settings = {})
        : config_(config), fetcher_(fetcher), clock_(clock), settings_(settings) {}

    // Discovery (when configured) merged with the explicit endpoints, which win.
    expected<ProviderEndpoints, http::FetchError> endpoints();
    // The endpoints last fetched, however old (nullopt before the first fetch): what a logout
    // uses, so that a provider down at that moment does not hold the person's logout.
    std::optional<ProviderEndpoints> last_known_endpoints();
    // The cached JWKS, fetched when absent or older than the TTL.
    expected<std::shared_ptr<const oidc::jose::JwkSet>, http::FetchError> keys();
    // After an unknown kid: a fresh JWKS, unless a forced refetch happened less than
    // `refetch_interval` ago (then nullopt: the caller keeps its answer).
    std::optional<std::shared_ptr<const oidc::jose::JwkSet>> refetch_keys_for_unknown_kid();

private:
    expected<std::shared_ptr<const oidc::jose::JwkSet>, http::FetchError> fetch_keys(TimePoint now);

    const config::ProviderConfig& config_;
    http::HttpFetcher& fetcher_;
    const Clock& clock_;
    MetadataSettings settings_;

    std::mutex mutex_;
    std::optional<ProviderEndpoints> endpoints_;
    TimePoint endpoints_at_{};
    std::shared_ptr<const oidc::jose::JwkSet> keys_;
    TimePoint keys_at_{};
    std::optional<TimePoint> last_forced_refetch_;
};

}  // namespace caf::providers
