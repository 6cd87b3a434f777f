// One client connection: a coroutine that reads requests with Beast, hands them to the
// dispatcher as neutral Requests, and writes the answers, over plain TCP or TLS.
#pragma once

#include <atomic>
#include <memory>

#include <utility>
#include <boost/asio/ip/tcp.hpp>

#include "server/access_log.hpp"
#include "server/connections.hpp"
#include "server/dispatcher.hpp"
#include "server/metrics.hpp"
#include "server/options.hpp"
#include "server/security_headers.hpp"
#include "server/trusted_proxies.hpp"

namespace boost::asio::ssl {
class context;
}

namespace caf::server {

// Everything a session reads; owned by the server, which outlives every session.
struct SessionContext {
    const Limits& limits;
    const Dispatcher& dispatcher;
    const TrustedProxies& proxies;
    const SecurityHeaderPolicy& security;
    Metrics& metrics;
    const AccessLog& access_log;
    ConnectionRegistry& connections;
    const std::atomic<bool>& stopping;
};

// Takes over an accepted socket (whose executor should be a strand) and serves it until it
// closes. Over max_connections the socket is closed at once. `tls` null: plain HTTP.
void start_session(boost::asio::ip::tcp::socket socket, SessionContext& context,
                   boost::asio::ssl::context* tls);

}  // namespace caf::server
