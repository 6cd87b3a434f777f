// The only translation unit with Beast's HTTP parser and serializer: the session template is
// instantiated here for tcp::socket and ssl::stream<tcp::socket>, and nowhere else.
//
// Timeouts use one steady_timer per connection that cancels the socket, rather than
// beast::tcp_stream's expiry: tcp_stream closes the socket on timeout, and a request that timed
// out must still get its 408.
#include "server/session.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <optional>
#include <system_error>
#include <string>
#include <type_traits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <stdlib.h>
#include <unistd.h>

#include "server/request_conversion.hpp"
#include "server/request_id.hpp"

namespace caf::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using tls_stream = asio::ssl::stream<tcp::socket>;

namespace {

tcp::socket& lowest_socket(tcp::socket& socket) { return socket; }
tcp::socket& lowest_socket(tls_stream& stream) { return stream.next_layer(); }

// RFC 9110 IMF-fixdate, formatted once per second per thread.
std::string http_date() {
    thread_local std::time_t cached_second = 0;
    thread_local std::string cached;
    const std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm utc{};
        gmtime_r(&now, &utc);
        char text[64];
        std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
        cached = text;
        cached_second = now;
    }
    return cached;
}

bool has_crlf(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

bool is_parse_error(const error_code& ec) {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

// The peer as text, with IPv4-mapped IPv6 shown as plain IPv4.
std::string peer_address(const tcp::socket& socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) return "";
    const auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    return address.to_string();
}

// A request body written to disk (LargeBody::to_file) rather than held in memory: a private
// (0600) file in the temporary directory, removed when the request is done with it.
class TemporaryBodyFile {
public:
    TemporaryBodyFile() = default;
    TemporaryBodyFile(const TemporaryBodyFile&) = delete;
    TemporaryBodyFile& operator=(const TemporaryBodyFile&) = delete;
    ~TemporaryBodyFile() {
        std::error_code ignored;
        if (!path_.empty()) std::filesystem::remove(path_, ignored);
    }

    bool open() {
        std::error_code ec;
        const auto directory = std::filesystem::temp_directory_path(ec);
        if (ec) return false;
        std::string name = (directory / "cafconnect-body-XXXXXX").string();
        const int fd = ::mkstemp(name.data());
        if (fd < 0) return false;
        ::close(fd);
        path_ = name;
        return true;
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

    template <class... StreamArgs>
    Session(SessionContext& context, std::string peer, StreamArgs&&... stream_args)
        : context_(context), stream_(std::forward<StreamArgs>(stream_args)...), timer_(stream_.get_executor()),
          peer_(std::move(peer)) {}

    void close_if_idle() override {
        asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
            if (self->idle_) self->close_socket();
        });
    }
    void close_now() override {
        asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close_socket(); });
    }

    asio::any_io_executor executor() { return stream_.get_executor(); }

    asio::awaitable<void> run() {
        try {
            co_await serve();
            co_await close_gracefully();
        } catch (const std::exception&) {
            // Nothing thrown by a session may reach the io_context; the connection just ends.
        }
        disarm();
        close_socket();
    }

private:
    // ---- the request loop

    asio::awaitable<void> serve() {
        error_code ec;
        if constexpr (is_tls) {
            idle_ = true;
            if (context_.stopping) co_return;
            arm(context_.limits.read_timeout);
            co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                             asio::redirect_error(asio::use_awaitable, ec));
            disarm();
            idle_ = false;
            if (ec) co_return;
            handshake_done_ = true;
        }
        std::size_t served = 0;
        for (;;) {
            if (buffer_.size() == 0) {
                // Waiting for the next request: a timeout or a shutdown closes silently, since no
                // request has started. The first request gets the read timeout, later ones the
                // keep-alive idle timeout.
                if (context_.stopping) co_return;
                idle_ = true;
                arm(served == 0 ? context_.limits.read_timeout : context_.limits.idle_timeout);
                const std::size_t n = co_await stream_.async_read_some(
                    buffer_.prepare(read_chunk), asio::redirect_error(asio::use_awaitable, ec));
                disarm();
                idle_ = false;
                if (ec) co_return;
                buffer_.commit(n);
            }
            ++served;
            const bool may_keep_alive = served < context_.limits.max_requests_per_connection;
            if (!co_await serve_one(may_keep_alive)) co_return;
        }
    }

    // Reads, dispatches and answers one request; true when the connection stays open.
    asio::awaitable<bool> serve_one(bool may_keep_alive) {
        const auto started = std::chrono::steady_clock::now();
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(context_.limits.header_bytes, std::numeric_limits<std::uint32_t>::max())));
        // No limit while the header is read (Beast would check Content-Length against it as the
        // header ends, before the route's admission could answer): the limit is set below, once
        // the header is known and before any of the body is read. Not boost::none: Beast 1.74
        // compares Content-Length with the optional itself, and anything is above none.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());

        error_code ec;
        std::optional<TemporaryBodyFile> body_file;  // outlives the answer: removed after the response
        bool spool_failed = false;
        // Header and body share one deadline: a client dribbling bytes cannot hold the connection.
        arm(context_.limits.read_timeout);
        co_await bhttp::async_read_header(stream_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
        http::Request request;
        if (!ec) request = request_head(parser.get());
        if (!ec && !parser.is_done()) {
            // A route may accept a larger body (the admin API's bulk import) from a request its
            // admission lets in, judged on the header before any of the body is read (and before
            // "100 Continue"); the others keep the server's limit.
            auto admission = co_await context_.dispatcher.admit_body(request, context_.limits.body_bytes);
            if (admission.refused) {
                disarm();
                // The body stays unread, so the connection cannot carry another request.
                co_await answer(std::move(admission.refused->response), request, admission.refused->route,
                                parser.get().version(), false, started);
                co_return false;
            }
            // An admission on the pool runs within the read deadline: when it ran out meanwhile,
            // the body gets no fresh one.
            if (timed_out_) ec = asio::error::timed_out;
            else if (auto length = parser.content_length(); length && *length > admission.limit) ec = bhttp::error::body_limit;
            else parser.body_limit(static_cast<std::uint64_t>(admission.limit));
            if (!ec && admission.to_file) {
                body_file.emplace();
                if (!body_file->open()) {
                    spool_failed = true;
                    ec = make_error_code(boost::system::errc::no_space_on_device);
                }
            }
        }
        if (!ec && !parser.is_done() && expects_continue(parser.get())) {
            static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
            co_await asio::async_write(stream_, asio::buffer(interim.data(), interim.size()),
                                       asio::redirect_error(asio::use_awaitable, ec));
        }
        // The same parser, its body now written to the file (Beast's change of body type once the
        // header is read): the limit and any bytes already buffered carry over.
        std::optional<bhttp::request_parser<bhttp::file_body>> file_parser;
        if (!ec && body_file) {
            file_parser.emplace(std::move(parser));
            file_parser->get().body().open(body_file->path().c_str(), beast::file_mode::write, ec);
            if (ec) spool_failed = true;
        }
        if (!ec && file_parser && !file_parser->is_done())
            co_await bhttp::async_read(stream_, buffer_, *file_parser, asio::redirect_error(asio::use_awaitable, ec));
        else if (!ec && !file_parser && !parser.is_done())
            co_await bhttp::async_read(stream_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
        const bool timed_out = timed_out_;
        disarm();

        if (ec) {
            int status = 0;
            if (timed_out) status = 408;
            else if (ec == bhttp::error::header_limit) status = 431;
            else if (ec == bhttp::error::body_limit) status = 413;
            else if (ec == bhttp::error::partial_message || ec == bhttp::error::end_of_stream) status = 0;
            else if (is_parse_error(ec)) status = 400;
            else if (spool_failed) status = 503;  // no temporary file for the body (a full disk)
            if (status == 0) co_return false;  // the client left, or the network failed: no one to answer
            if (request.method.empty()) {
                // The request line may have been parsed even when the header was not (a 431):
                // log what is known.
                request.method = std::string(parser.get().method_string());
                const std::string_view target = parser.get().target();
                request.path = std::string(target.substr(0, target.find('?')));
            }
            co_await answer_unreadable(status, std::move(request), started);
            co_return false;
        }

        unsigned version = 0;
        bool client_keeps_alive = false;
        if (file_parser) {
            version = file_parser->get().version();
            client_keeps_alive = file_parser->get().keep_alive();
            file_parser->get().body().close();
            request.body_file = body_file->path();
        } else {
            version = parser.get().version();
            client_keeps_alive = parser.get().keep_alive();
            request.body = std::move(parser.get().body());
        }

        Dispatched dispatched = co_await context_.dispatcher.dispatch(request);
        const bool keep_alive = may_keep_alive && client_keeps_alive && !context_.stopping;
        const bool written = co_await answer(std::move(dispatched.response), request, dispatched.route, version,
                                             keep_alive, started);
        co_return written && keep_alive;
    }

    // 400, 408, 413, 431: the request could not be read whole, so the connection closes after.
    // `head` is the request as far as its header was read (empty when the header was not).
    asio::awaitable<void> answer_unreadable(int status, http::Request head,
                                            std::chrono::steady_clock::time_point started) {
        if (head.remote_address.empty()) head.remote_address = peer_;
        if (head.request_id.empty()) head.request_id = new_request_id();
        co_await answer(error_response(status), head, unmatched_route, 11, false, started);
    }

    static bool expects_continue(const bhttp::request<bhttp::string_body>& message) {
        const auto expect = message[bhttp::field::expect];
        return expect.size() == 12 && beast::iequals(expect, "100-continue");
    }

    // The request as far as its header goes, with who sent it; the body comes later.
    http::Request request_head(const bhttp::request<bhttp::string_body>& message) const {
        http::Request request = to_request_head(message);
        // Every line of a forwarding header counts: a proxy that appends its own line leaves the
        // client's first.
        const auto client = context_.proxies.resolve(peer_, request.headers.combined("X-Forwarded-For"),
                                                     request.headers.combined("X-Forwarded-Proto"), is_tls);
        request.remote_address = client.address;
        request.secure = client.secure;
        if (auto incoming = request.header("X-Request-Id");
            client.via_trusted_proxy && incoming && is_well_formed_request_id(*incoming)) {
            request.request_id = std::string(*incoming);
        } else {
            request.request_id = new_request_id();
        }
        return request;
    }

    // Adds the server's headers, writes, then counts and logs the exchange.
    asio::awaitable<bool> answer(http::Response response, const http::Request& request, std::string_view route,
                                 unsigned version, bool keep_alive, std::chrono::steady_clock::time_point started) {
        if (response.status < 100 || response.status > 599) response = error_response(500);
        apply_security_headers(response, context_.security, request.request_id);

        bhttp::response<bhttp::string_body> message;
        message.version(version);
        message.result(static_cast<unsigned>(response.status));
        for (const auto& [name, value] : response.headers.fields()) {
            // The server owns framing; a CR or LF would let a handler's value inject headers.
            if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
                beast::iequals(name, "Connection") || has_crlf(name) || has_crlf(value))
                continue;
            message.insert(name, value);
        }
        message.set(bhttp::field::date, http_date());
        const bool head = request.method == "HEAD";
        const std::size_t body_bytes = response.body.size();
        if (head) {
            message.content_length(body_bytes);  // what GET would send, without the body
        } else {
            message.body() = std::move(response.body);
            message.prepare_payload();
        }
        message.keep_alive(keep_alive);

        // Counted before the write: a client that reads /metrics after its response sees it.
        context_.metrics.record_request(route, request.method, response.status,
                                        std::chrono::steady_clock::now() - started);

        error_code ec;
        arm(context_.limits.write_timeout);
        co_await bhttp::async_write(stream_, message, asio::redirect_error(asio::use_awaitable, ec));
        disarm();
        linger_ = !keep_alive;

        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
        context_.access_log.write(AccessRecord{request.request_id, request.method, request.path, route,
                                               response.status, elapsed.count() * 1000.0,
                                               ec || head ? 0 : body_bytes, request.remote_address});
        co_return !ec;
    }

    // ---- closing

    // After a response with "Connection: close", half-close and read what the client still sends
    // for a moment: closing with unread data makes the kernel send a reset, which can destroy the
    // response before the client has read it (the 413 a client gets while still uploading).
    asio::awaitable<void> close_gracefully() {
        error_code ec;
        if constexpr (is_tls) {
            if (!handshake_done_ || !linger_) co_return;
            arm(linger_timeout());
            co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
            disarm();
        } else {
            if (!linger_) co_return;
            stream_.shutdown(tcp::socket::shutdown_send, ec);
            if (ec) co_return;
            arm(linger_timeout());
            std::size_t drained = 0;
            char discard[4096];
            while (drained < max_linger_bytes) {
                const std::size_t n = co_await stream_.async_read_some(asio::buffer(discard),
                                                                       asio::redirect_error(asio::use_awaitable, ec));
                if (ec) break;
                drained += n;
            }
            disarm();
        }
    }

    // Short: a client that keeps the socket open must not hold the connection (or a graceful
    // stop) for long.
    std::chrono::milliseconds linger_timeout() const {
        const std::chrono::milliseconds cap = context_.stopping ? std::chrono::milliseconds(100) : std::chrono::seconds(2);
        return std::min(context_.limits.read_timeout, cap);
    }

    void close_socket() {
        error_code ignored;
        lowest_socket(stream_).shutdown(tcp::socket::shutdown_both, ignored);
        lowest_socket(stream_).close(ignored);
    }

    // ---- the deadline: cancelling the socket fails the pending operation, and timed_out_ tells
    // a timeout from a peer error. The generation ignores a timer that fired just as the
    // operation completed.

    void arm(std::chrono::milliseconds timeout) {
        const auto generation = ++timer_generation_;
        timed_out_ = false;
        timer_.expires_after(timeout);
        timer_.async_wait([self = this->shared_from_this(), generation](error_code ec) {
            if (ec || generation != self->timer_generation_) return;
            self->timed_out_ = true;
            error_code ignored;
            lowest_socket(self->stream_).cancel(ignored);
        });
    }

    void disarm() {
        ++timer_generation_;
        timer_.cancel();
    }

    static constexpr std::size_t read_chunk = 8192;
    static constexpr std::size_t max_linger_bytes = 256 * 1024;

    SessionContext& context_;
    Stream stream_;
    asio::steady_timer timer_;
    std::string peer_;
    beast::flat_buffer buffer_;
    std::uint64_t timer_generation_ = 0;
    bool timed_out_ = false;
    bool idle_ = false;  // waiting for a request: a graceful stop may close it
    bool handshake_done_ = false;
    bool linger_ = false;
};

// The shared_ptr is a parameter so that the coroutine frame owns the session.
template <class S>
asio::awaitable<void> run_session(std::shared_ptr<S> session, SessionContext& context, ConnectionRegistry::Id id) {
    co_await session->run();
    context.connections.remove(id);
    context.metrics.connection_closed();
}

template <class S>
void spawn(std::shared_ptr<S> session, SessionContext& context) {
    const auto id = context.connections.add(session);
    context.metrics.connection_opened();
    auto executor = session->executor();
    asio::co_spawn(executor, run_session(std::move(session), context, id), asio::detached);
}

}  // namespace

void start_session(tcp::socket socket, SessionContext& context, asio::ssl::context* tls) {
    error_code ec;
    if (context.connections.size() >= context.limits.max_connections || context.stopping) {
        context.metrics.connection_rejected();
        socket.close(ec);
        return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::string peer = peer_address(socket);
    if (tls) {
        spawn(std::make_shared<Session<tls_stream>>(context, std::move(peer), std::move(socket), *tls), context);
    } else {
        spawn(std::make_shared<Session<tcp::socket>>(context, std::move(peer), std::move(socket)), context);
    }
}

}  // namespace caf::server
