// The listening socket and its accept loop; each accepted connection gets its own strand and is
// handed to the session code.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <utility>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

namespace caf::server {

class Listener {
public:
    using AcceptHandler = std::function<void(boost::asio::ip::tcp::socket)>;

    // Binds and listens at once, so a port-0 listener knows its port before start(). Throws
    // std::runtime_error naming host and port when that fails (a startup error).
    Listener(boost::asio::io_context& io, const std::string& host, std::uint16_t port, AcceptHandler on_accept);

    std::uint16_t port() const { return port_; }
    void start();
    // Closes the listening socket: new connections are refused from the moment this returns.
    // Blocks until done; must not be called from a network thread.
    void close();

private:
    boost::asio::awaitable<void> accept_loop();

    boost::asio::io_context& io_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    AcceptHandler on_accept_;
    std::uint16_t port_ = 0;
};

}  // namespace caf::server
