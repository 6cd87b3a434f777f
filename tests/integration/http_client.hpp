// A deliberately raw HTTP/1.1 client over POSIX sockets (optionally OpenSSL): tests need to send
// partial, pipelined and malformed requests and to see exactly when the server closes, which a
// client library would hide.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace caf::testing {

using namespace std::chrono_literals;

struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    std::optional<std::string> header(std::string_view name) const;
};

class RawClient {
public:
    // Connects to 127.0.0.1:port; connected() tells whether it worked (refused after a stop).
    explicit RawClient(std::uint16_t port);
    // TLS, verifying the server against `trusted_certificate` for the name "localhost".
    RawClient(std::uint16_t port, const std::filesystem::path& trusted_certificate);
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return fd_ >= 0 && (!tls_ || ssl_ != nullptr); }
    bool certificate_verified() const { return verified_; }
    std::string tls_version() const;

    void send(std::string_view bytes);
    // One response (Content-Length framing; `head` = no body). nullopt on timeout or close.
    std::optional<HttpResponse> read_response(bool head = false, std::chrono::milliseconds timeout = 3s);
    // Waits for the server to close. True on EOF or reset within `timeout`; any byte received
    // meanwhile is kept in received_while_waiting().
    bool wait_closed(std::chrono::milliseconds timeout);
    const std::string& received_while_waiting() const { return buffer_; }

private:
    // >0 bytes appended to buffer_, 0 on close, -1 on timeout.
    int read_some(std::chrono::milliseconds timeout);

    int fd_ = -1;
    bool tls_ = false;
    SSL_CTX* ssl_context_ = nullptr;
    SSL* ssl_ = nullptr;
    bool verified_ = false;
    std::string buffer_;
};

// Shorthand: a GET for `target` with a Host header.
std::string get(std::string_view target, std::string_view extra_headers = "");

// A self-signed P-256 certificate for localhost and 127.0.0.1, made with OpenSSL's API.
void write_self_signed_certificate(const std::filesystem::path& certificate, const std::filesystem::path& key);

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace caf::testing
