// The chained logout of a session opened through an upstream provider (SPEC.md §8): once the local
// session is ended, the browser goes to the provider's end-session endpoint, then back to where it
// was going. An interface here so that oidc/ and account/ can ask for it without depending on
// providers/ (the composition root wires the implementation).
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"

namespace caf {

struct UpstreamLogoutRedirect {
    std::string location;    // the provider's end-session URL with id_token_hint, state, post_logout_redirect_uri
    std::string set_cookie;  // binds the returning state to this browser
};

class UpstreamLogout {
public:
    virtual ~UpstreamLogout() = default;
    // For a session opened through `provider` with `id_token` (raw): the redirect that ends the
    // provider's session, after which the browser continues to `continue_to` (a local path or a
    // client's registered post-logout URI with its state). Nullopt: nothing to chain (unknown
    // provider, no end-session endpoint, provider unreachable); the caller goes on directly.
    virtual std::optional<UpstreamLogoutRedirect> start(const std::string& provider, const std::string& id_token,
                                                        const std::string& continue_to, TimePoint now) = 0;
};

}  // namespace caf
