// GET /.well-known/openid-configuration and GET /jwks: documents serialised once and served from
// memory on the network threads (inline routes), with Cache-Control and an ETag (304 on a match).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "core/http.hpp"
#include "oidc/provider_context.hpp"

namespace caf::oidc {

// A serialised body and its strong ETag.
struct CachedDocument {
    std::string body;
    std::string etag;  // quoted
};
CachedDocument cache_document(std::string body);
// 200 with the body, or 304 when If-None-Match names the ETag; public, max-age=300 either way.
http::Response cached_json_response(const CachedDocument& document, const http::Request& request);

// The OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3, RFC 8414, RFC 9207).
nlohmann::json discovery_document(const ProviderContext& ctx);

class DiscoveryEndpoint {
public:
    explicit DiscoveryEndpoint(const ProviderContext& ctx) : document_(cache_document(discovery_document(ctx).dump())) {}
    http::Response handle(const http::Request& request) const { return cached_json_response(document_, request); }

private:
    CachedDocument document_;  // the configuration does not change while the server runs
};

// Re-serialises only when the published key set changes (a rotation, a reload, a key retiring):
// each request compares the list of published kids, which costs no JSON and no key export.
class JwksEndpoint {
public:
    explicit JwksEndpoint(const ProviderContext& ctx) : ctx_(ctx) {}
    http::Response handle(const http::Request& request) const;

private:
    struct Cached {
        std::string key_list;
        CachedDocument document;
    };
    std::shared_ptr<const Cached> current() const;

    const ProviderContext& ctx_;
    mutable std::mutex mutex_;
    mutable std::shared_ptr<const Cached> cached_;
};

}  // namespace caf::oidc
