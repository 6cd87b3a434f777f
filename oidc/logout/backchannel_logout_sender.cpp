// Claim, mint, POST, record: one batch of back-channel logouts.
#include "oidc/logout/backchannel_logout_sender.hpp"

#include <algorithm>

#include "core/http.hpp"
#include "oidc/issuance/token_minting.hpp"
#include "storage/session_end.hpp"

namespace caf::oidc {

BackchannelLogoutSettings backchannel_logout_settings(const config::BackchannelLogoutConfig& config) {
    BackchannelLogoutSettings s;
    s.timeout = std::chrono::milliseconds(config.timeout_ms);
    const auto batch_time = std::chrono::duration_cast<std::chrono::seconds>(s.timeout * s.batch_size);
    s.lease = std::max<std::chrono::seconds>(std::chrono::seconds(30), 2 * batch_time);
    s.retry = storage::doubling_retry(config.max_attempts, config.backoff_seconds);
    return s;
}

BackchannelLogoutSender::BackchannelLogoutSender(ProviderContext& ctx, http::HttpFetcher& fetcher,
                                                 BackchannelLogoutSettings settings, LogoutEventSink events)
    : ctx_(ctx), fetcher_(fetcher), settings_(settings), events_(std::move(events)) {}

void BackchannelLogoutSender::emit(std::string_view event, const nlohmann::json& details) const {
    if (events_) events_(event, details);
}

std::string BackchannelLogoutSender::deliver(const Client& client, const storage::Notification& row, TimePoint now) {
    auto queued = storage::decode_queued_logout(row.recipient_sealed, row.payload_sealed);
    if (!queued) return "malformed queue entry";
    auto token = issuance::mint_logout_token(ctx_, client, queued->account_id, queued->session_digest, now);
    if (!token) return "no signing key for " + client.config.id_token_alg;
    auto reply = fetcher_.post_form(client.config.backchannel_logout_uri, {{"Cache-Control", "no-store"}},
                                    "logout_token=" + http::url_encode(*token), settings_.timeout);
    if (!reply) return reply.error().what;
    // §2.8: 200 OK; some frameworks answer 204, which means the same.
    if (reply->status == 200 || reply->status == 204) return {};
    return "HTTP " + std::to_string(reply->status);
}

BackchannelLogoutReport BackchannelLogoutSender::run_once(TimePoint now) {
    const auto now_s = to_unix_seconds(now);
    storage::Notifications queue{ctx_.db};
    BackchannelLogoutReport report;
    const auto claimed = ctx_.db.transaction([&](storage::Connection& c) {
        return queue.claim_due(c, now_s, settings_.batch_size, settings_.lease.count(),
                               {std::string(storage::backchannel_logout_channel)});
    });
    report.claimed = int(claimed.size());
    report.batch_full = report.claimed >= settings_.batch_size;
    for (const auto& row : claimed) {
        nlohmann::json details{{"id", row.id}, {"client_id", row.recipient_sealed}, {"attempt", row.attempts}};
        const Client* client = ctx_.clients.find(row.recipient_sealed);
        if (!client || client->config.backchannel_logout_uri.empty()) {
            // A client that took part in the session but listens on no back channel.
            if (queue.mark_sent(row.id, row.attempts, now_s)) ++report.skipped;
            else ++report.fenced;
            continue;
        }
        const auto error = deliver(*client, row, now);
        const auto done_at = to_unix_seconds(ctx_.clock.now());
        if (error.empty()) {
            if (queue.mark_sent(row.id, row.attempts, done_at)) {
                ++report.sent;
                emit("backchannel_logout.sent", details);
            } else {
                ++report.fenced;
                emit("backchannel_logout.fenced", details);
            }
            continue;
        }
        details["error"] = error;
        if (!queue.mark_failed(row.id, row.attempts, done_at, error, settings_.retry)) {
            ++report.fenced;
            emit("backchannel_logout.fenced", details);
        } else if (row.attempts >= settings_.retry.max_attempts) {
            ++report.given_up;
            emit("backchannel_logout.failed", details);
        } else {
            ++report.retried;
            emit("backchannel_logout.retry", details);
        }
    }
    return report;
}

}  // namespace caf::oidc
