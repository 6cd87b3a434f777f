#include "core/guarded_fetcher.hpp"

#include <utility>

namespace caf::http {

template <class Call>
expected<HttpReply, FetchError> GuardedFetcher::guarded(Call&& call) {
    return guard_.run(
        clock_, std::forward<Call>(call),
        [](UpstreamGuard::Refusal refusal) -> expected<HttpReply, FetchError> {
            return unexpected<FetchError>{FetchError{refusal == UpstreamGuard::Refusal::busy
                                                         ? "upstream busy: too many calls under way"
                                                         : "upstream unavailable: it failed lately"}};
        },
        [](const expected<HttpReply, FetchError>& reply) { return !reply || reply->status >= 500; });
}

expected<HttpReply, FetchError> GuardedFetcher::get(const std::string& url, const HeaderList& headers,
                                                    std::chrono::milliseconds timeout) {
    return guarded([&] { return inner_.get(url, headers, timeout); });
}

expected<HttpReply, FetchError> GuardedFetcher::post(const std::string& url, const HeaderList& headers,
                                                     const std::string& body, const std::string& content_type,
                                                     std::chrono::milliseconds timeout) {
    return guarded([&] { return inner_.post(url, headers, body, content_type, timeout); });
}

}  // namespace caf::http
