#include "providers/guarded_fetcher.hpp"

#include <utility>

namespace caf::providers {

template <class Call>
expected<HttpReply, FetchError> GuardedFetcher::guarded(Call&& call) {
    return guard_.run(
        clock_, std::forward<Call>(call),
        [](UpstreamGuard::Refusal refusal) -> expected<HttpReply, FetchError> {
            return unexpected<FetchError>{FetchError{refusal == UpstreamGuard::Refusal::busy
                                                         ? "upstream busy: too many calls under way"
                                                         : "upstream unavailable: it failed lately"}};
        },
        // A 4xx is an answer (a refused code, a bad request); no answer or a 5xx is an outage.
        [](const expected<HttpReply, FetchError>& reply) { return !reply || reply->status >= 500; });
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
