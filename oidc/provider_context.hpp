// Everything the provider's endpoints share, built once by the composition root.
#pragma once

#include <string>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/csrf.hpp"
#include "core/html_templates.hpp"
#include "core/random.hpp"
#include "core/upstream_logout.hpp"
#include "oidc/claims_source.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/keys/signing_key_store.hpp"
#include "storage/database.hpp"

namespace caf::oidc {

struct ProviderContext {
    const config::Config& config;  // issuer (config.server.issuer), lifetimes (config.oidc)
    const ClientRegistry& clients;
    keys::SigningKeyStore& keys;
    storage::Database& db;
    ClaimsSource& claims;
    const HtmlTemplates& pages;
    const CsrfGuard& csrf;
    const Clock& clock;
    Random& random;
    // Keys the stable, opaque `sub` of each account: hex HMAC-SHA256(subject_secret, account id).
    std::string subject_secret;
    // The chained logout of sessions opened through an upstream provider (set by the composition
    // root; oidc/ knows nothing of providers/).
    UpstreamLogout* upstream_logout = nullptr;

    const std::string& issuer() const { return config.server.issuer; }
};

}  // namespace caf::oidc
