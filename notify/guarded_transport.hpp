// One mail or SMS upstream through its UpstreamGuard: a gateway or SMTP server that hangs costs
// the notification worker one timeout, then its messages are put back for a later attempt at once
// for a while (the other channel keeps flowing) instead of each waiting out the timeout.
#pragma once

#include <memory>

#include "notify/transport.hpp"
#include "core/clock.hpp"
#include "core/upstream_guard.hpp"

namespace caf::notify {

class GuardedTransport final : public Transport {
public:
    // `clock` must outlive this transport.
    GuardedTransport(std::unique_ptr<Transport> inner, UpstreamGuard::Settings settings, const Clock& clock)
        : inner_(std::move(inner)), guard_(settings), clock_(clock) {}

    SendResult send(const OutgoingMessage& message) override;

private:
    std::unique_ptr<Transport> inner_;
    UpstreamGuard guard_;
    const Clock& clock_;
};

}  // namespace caf::notify
