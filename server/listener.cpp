// Accept errors such as EMFILE are transient: the loop pauses briefly instead of spinning or
// giving up, and stops only when the acceptor is closed.
#include "server/listener.hpp"

#include <future>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace caf::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Listener::Listener(asio::io_context& io, const std::string& host, std::uint16_t port, AcceptHandler on_accept)
    : io_(io), strand_(asio::make_strand(io)), acceptor_(strand_), on_accept_(std::move(on_accept)) {
    const std::string where = host + ":" + std::to_string(port);
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints =
        resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || endpoints.empty()) throw std::runtime_error("cannot resolve listen address " + where + ": " + ec.message());
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
}

void Listener::start() { asio::co_spawn(strand_, accept_loop(), asio::detached); }

void Listener::close() {
    std::promise<void> closed;
    asio::post(strand_, [this, &closed] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        closed.set_value();
    });
    closed.get_future().wait();
}

asio::awaitable<void> Listener::accept_loop() {
    for (;;) {
        boost::system::error_code ec;
        // Each connection on its own strand: its coroutine, timer and shutdown calls never race.
        const asio::any_io_executor connection_executor = asio::make_strand(io_);
        tcp::socket socket =
            co_await acceptor_.async_accept(connection_executor, asio::redirect_error(asio::use_awaitable, ec));
        if (!acceptor_.is_open()) co_return;
        if (ec) {
            asio::steady_timer pause(strand_, std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        on_accept_(std::move(socket));
    }
}

}  // namespace caf::server
