#include "notify/guarded_transport.hpp"

namespace caf::notify {

SendResult GuardedTransport::send(const OutgoingMessage& message) {
    return guard_.run(
        clock_, [&] { return inner_->send(message); },
        [](UpstreamGuard::Refusal refusal) -> SendResult {
            return unexpected<TransportError>{TransportError{refusal == UpstreamGuard::Refusal::busy
                                                                 ? "not sent: the upstream is busy"
                                                                 : "not sent: the upstream failed lately"}};
        },
        // A permanent refusal (a bad address) is an answer; a transient failure is an outage.
        [](const SendResult& result) { return !result && !result.error().permanent; });
}

}  // namespace caf::notify
