// The outgoing HTTP of one provider through its UpstreamGuard: a provider that hangs or fails
// costs at most `max_in_flight` workers for one timeout, then every call fails at once for a
// while (the person sees the French error page at once) instead of each login waiting out the
// timeout on the shared worker pool.
#pragma once

#include "core/clock.hpp"
#include "core/upstream_guard.hpp"
#include "providers/http_fetcher.hpp"

namespace caf::providers {

class GuardedFetcher final : public HttpFetcher {
public:
    GuardedFetcher(HttpFetcher& inner, UpstreamGuard& guard, const Clock& clock)
        : inner_(inner), guard_(guard), clock_(clock) {}

    expected<HttpReply, FetchError> get(const std::string& url, const HeaderList& headers,
                                        std::chrono::milliseconds timeout) override;
    expected<HttpReply, FetchError> post_form(const std::string& url, const HeaderList& headers,
                                              const std::string& body, std::chrono::milliseconds timeout) override;

private:
    template <class Call>
    expected<HttpReply, FetchError> guarded(Call&& call);

    HttpFetcher& inner_;
    UpstreamGuard& guard_;
    const Clock& clock_;
};

}  // namespace caf::providers
