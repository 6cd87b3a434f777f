// One configured upstream provider at runtime (SPEC.md §8): the authorization request, then, for
// the callback, the RFC 9207 iss check, the code exchange at once (client_secret_post / basic /
// private_key_jwt, PKCE), the ID token (JWKS, one refetch on an unknown kid) and the userinfo
// (Bearer; a JWS per profile). Validation itself is callback_validation's. No storage here: the
// pending state comes in, the validated identity (or the reason of the refusal) goes out.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "core/http.hpp"
#include "core/random.hpp"
#include "oidc/jose/openssl_handles.hpp"
#include "providers/callback_validation.hpp"
#include "core/upstream_guard.hpp"
#include "core/guarded_fetcher.hpp"
#include "core/http_fetcher.hpp"
#include "providers/provider_metadata.hpp"

namespace caf::providers {

// Why a callback was refused: `reason` is the audit code (no personal data), `message` French.
struct Rejection {
    std::string reason;
    std::string message;
};

// What the browser's pending authorization holds (stored server-side, bound to the browser).
struct PendingAuthorization {
    std::string provider;
    std::string state;   // 64 hex
    std::string nonce;   // 64 hex
    std::optional<std::string> code_verifier;  // PKCE, when the provider lists S256
    std::optional<std::string> interaction_id;
    std::int64_t expires_at = 0;
};

// The authorization response's query parameters.
struct CallbackParams {
    std::optional<std::string> code;
    std::optional<std::string> state;
    std::optional<std::string> iss;
    std::optional<std::string> error;
    std::optional<std::string> error_description;
};
CallbackParams callback_params(const http::Params& query);

struct AuthenticatedUpstream {
    ValidatedIdentity identity;  // ID token then userinfo claims, sub, acr, amr
    std::string id_token;        // raw, for the chained logout
};

// 64 hexadecimal characters from `random` (state, nonce).
std::string random_hex64(Random& random);
// RFC 7636 S256 challenge of a verifier.
std::string pkce_challenge(std::string_view verifier);

class UpstreamProvider {
public:
    // Throws std::runtime_error when the private_key_jwt key file cannot be read (startup).
    UpstreamProvider(config::ProviderConfig config, http::HttpFetcher& fetcher, const Clock& clock, Random& random,
                     MetadataSettings settings = {});

    const config::ProviderConfig& config() const { return config_; }
    ProviderMetadata& metadata() { return *metadata_; }

    // A new pending authorization (state, nonce, PKCE verifier when supported) and the URL the
    // browser goes to; a Rejection when the provider's metadata cannot be had.
    struct Start {
        PendingAuthorization pending;
        std::string url;
    };
    expected<Start, Rejection> start(const std::optional<std::string>& interaction_id, TimePoint now);

    // After the state was checked and consumed: everything else, in order.
    expected<AuthenticatedUpstream, Rejection> finish(const PendingAuthorization& pending, const CallbackParams& params,
                                                      TimePoint now);

    // The end-session URL with id_token_hint, state and post_logout_redirect_uri; nullopt when
    // the provider has no end-session endpoint or no post-logout URI is configured.
    std::optional<std::string> end_session_url(const std::string& id_token, const std::string& state);

    ExpectedAuthorization expectations(const std::string& nonce) const;

private:
    expected<std::string, Rejection> client_assertion(const std::string& audience, TimePoint now);
    expected<ValidatedIdentity, CallbackError> validate_with_refetch(
        const std::function<expected<ValidatedIdentity, CallbackError>(const oidc::jose::JwkSet&)>& validate,
        std::shared_ptr<const oidc::jose::JwkSet>& keys, bool& refetched);

    config::ProviderConfig config_;
    UpstreamGuard guard_;
    http::GuardedFetcher fetcher_;  // every call to this provider goes through its guard
    const Clock& clock_;
    Random& random_;
    std::unique_ptr<ProviderMetadata> metadata_;
    oidc::jose::shared_pkey private_key_;  // private_key_jwt
};

}  // namespace caf::providers
