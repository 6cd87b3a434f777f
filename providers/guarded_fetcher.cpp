#include "providers/guarded_fetcher.hpp"

namespace caf::providers {

template <class Call>
expected<HttpReply, FetchError> GuardedFetcher::guarded(Call&& call) {
    auto permit = guard_.enter(clock_.now());
    if (!permit) {
        return unexpected<FetchError>{FetchError{permit.error() == UpstreamGuard::Refusal::busy
                                                     ? "upstream busy: too many calls under way"
                                                     : "upstream unavailable: it failed lately"}};
    }
    auto reply = call();
    // A 4xx is an answer (a refused code, a bad request); no answer or a 5xx is an outage.
    if (!reply || reply->status >= 500) permit->failed(clock_.now());
    else permit->succeeded();
    return reply;
}

expected<HttpReply, FetchError> GuardedFetcher::get(const std::string& url, const HeaderList& headers,
                                                    std::chrono::milliseconds timeout) {
    return guarded([&] { return inner_.get(url, headers, timeout); });
}

expected<HttpReply, FetchError> GuardedFetcher::post_form(const std::string& url, const HeaderList& headers,
                                                          const std::string& body, std::chrono::milliseconds timeout) {
    return guarded([&] { return inner_.post_form(url, headers, body, timeout); });
}

}  // namespace caf::providers
