// Outgoing HTTP to one upstream through its UpstreamGuard: an upstream that hangs or fails costs
// at most `max_in_flight` workers for one timeout, then every call fails at once for a while
// (the person sees the French error page at once) instead of each request waiting out the
// timeout on the shared worker pool. No answer or a 5xx is an outage; a 4xx is an answer.
#pragma once

#include "core/clock.hpp"
#include "core/http_fetcher.hpp"
#include "core/upstream_guard.hpp"

namespace caf::http {

class GuardedFetcher final : public HttpFetcher {
public:
    GuardedFetcher(HttpFetcher& inner, UpstreamGuard& guard, const Clock& clock)
        : inner_(inner), guard_(guard), clock_(clock) {}

    expected<HttpReply, FetchError> get(const std::string& url, const HeaderList& headers,
                                        std::chrono::milliseconds timeout) override;
    expected<HttpReply, FetchError> post(const std::string& url, const HeaderList& headers, const std::string& body,
                                         const std::string& content_type, std::chrono::milliseconds timeout) override;

private:
    template <class Call>
    expected<HttpReply, FetchError> guarded(Call&& call);

    HttpFetcher& inner_;
    UpstreamGuard& guard_;
    const Clock& clock_;
};

}  // namespace caf::http
