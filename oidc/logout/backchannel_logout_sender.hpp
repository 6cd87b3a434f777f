// The delivery side of OpenID Connect Back-Channel Logout 1.0: storage::end_session queues one
// logout per client of an ended SSO session; this claims them from the notification queue, mints
// each client's logout_token and POSTs it to its backchannel_logout_uri, then records sent, retry
// after a backoff, or given up. It blocks on the network, so it runs on a thread of its own
// (app/), never on the request path; any number of nodes may run one, a claim is exclusive.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/http_fetcher.hpp"
#include "oidc/provider_context.hpp"
#include "storage/notifications.hpp"

namespace caf::oidc {

struct BackchannelLogoutSettings {
    int batch_size = 10;
    std::chrono::milliseconds timeout{5000};  // one POST
    // A claim lasts this long: more than a batch of timeouts, so no other node sends it meanwhile.
    std::chrono::seconds lease{120};
    storage::RetryPolicy retry;
};
BackchannelLogoutSettings backchannel_logout_settings(const config::BackchannelLogoutConfig& config);

struct BackchannelLogoutReport {
    int claimed = 0;
    int sent = 0;
    int skipped = 0;  // the client has no backchannel_logout_uri (or is no longer registered)
    int retried = 0;
    int given_up = 0;
    int fenced = 0;  // our lease had been taken over: the outcome belongs to the new claim
    bool batch_full = false;
};

// Events for the operator's log: "backchannel_logout.sent", ".retry", ".failed", ".fenced";
// details carry the queue id, client id, attempt and error, never a token.
using LogoutEventSink = std::function<void(std::string_view event, const nlohmann::json& details)>;

class BackchannelLogoutSender {
public:
    BackchannelLogoutSender(ProviderContext& ctx, http::HttpFetcher& fetcher, BackchannelLogoutSettings settings = {},
                            LogoutEventSink events = {});

    // One batch. Throws StoreError when the store fails; a token already POSTed but not yet
    // marked is then sent again after its lease (at least once: a client must accept a repeat).
    BackchannelLogoutReport run_once(TimePoint now);

private:
    // Empty when delivered, else why not (for the queue's last_error and the log).
    std::string deliver(const Client& client, const storage::Notification& row, TimePoint now);
    void emit(std::string_view event, const nlohmann::json& details) const;

    ProviderContext& ctx_;
    http::HttpFetcher& fetcher_;
    BackchannelLogoutSettings settings_;
    LogoutEventSink events_;
};

}  // namespace caf::oidc
