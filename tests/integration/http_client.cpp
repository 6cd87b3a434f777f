// Plain sockets and poll(): every wait has a deadline, so a server bug fails a test instead of
// hanging the suite.
#include "http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace caf::testing {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // A safety net for blocking OpenSSL reads; poll() does the real waiting.
    timeval five_seconds{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
    return fd;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) return v;
    }
    return std::nullopt;
}

RawClient::RawClient(std::uint16_t port) : fd_(connect_to(port)) {}

RawClient::RawClient(std::uint16_t port, const std::filesystem::path& trusted_certificate)
    : fd_(connect_to(port)), tls_(true) {
    if (fd_ < 0) return;
    ssl_context_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ssl_context_, TLS1_2_VERSION);
    SSL_CTX_load_verify_locations(ssl_context_, trusted_certificate.c_str(), nullptr);
    SSL_CTX_set_verify(ssl_context_, SSL_VERIFY_PEER, nullptr);
    SSL* ssl = SSL_new(ssl_context_);
    SSL_set_fd(ssl, fd_);
    SSL_set_tlsext_host_name(ssl, "localhost");
    SSL_set1_host(ssl, "localhost");
    if (SSL_connect(ssl) != 1) {
        ERR_clear_error();
        SSL_free(ssl);
        return;
    }
    ssl_ = ssl;
    verified_ = SSL_get_verify_result(ssl_) == X509_V_OK;
}

RawClient::~RawClient() {
    if (ssl_) SSL_free(ssl_);
    if (ssl_context_) SSL_CTX_free(ssl_context_);
    if (fd_ >= 0) ::close(fd_);
}

std::string RawClient::tls_version() const { return ssl_ ? SSL_get_version(ssl_) : ""; }

void RawClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const long n = ssl_ ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                            : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return;  // the server closed: the test sees it when reading
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

int RawClient::read_some(std::chrono::milliseconds timeout) {
    if (fd_ < 0) return 0;
    if (!ssl_ || SSL_pending(ssl_) == 0) {
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
        if (ready == 0) return -1;
        if (ready < 0) return 0;
    }
    char chunk[16384];
    const long n = ssl_ ? SSL_read(ssl_, chunk, sizeof chunk) : ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;  // EOF, close_notify, reset
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return static_cast<int>(n);
}

std::optional<HttpResponse> RawClient::read_response(bool head, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto remaining = [&] {
        return std::max(0ms, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    };
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
        if (read_some(remaining()) <= 0) return std::nullopt;
    }
    HttpResponse response;
    const std::string head_text = buffer_.substr(0, header_end);
    std::size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return std::nullopt;
    response.status = std::atoi(status_line.c_str() + 9);
    while (line_end != std::string::npos) {
        const std::size_t start = line_end + 2;
        line_end = head_text.find("\r\n", start);
        const std::string line = head_text.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        response.headers.emplace_back(line.substr(0, colon), value);
    }
    buffer_.erase(0, header_end + 4);
    std::size_t length = 0;
    if (auto content_length = response.header("Content-Length"); content_length && !head)
        length = std::stoul(*content_length);
    while (buffer_.size() < length) {
        if (read_some(remaining()) <= 0) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) return false;
        const int n = read_some(left);
        if (n == 0) return true;
        if (n < 0) return false;
    }
}

std::string get(std::string_view target, std::string_view extra_headers) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n" + std::string(extra_headers) + "\r\n";
}

void write_self_signed_certificate(const std::filesystem::path& certificate, const std::filesystem::path& key) {
    EVP_PKEY* pkey = EVP_EC_gen("P-256");
    X509* x509 = X509_new();
    X509_set_version(x509, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
    X509_gmtime_adj(X509_getm_notBefore(x509), -60);
    X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
    X509_set_pubkey(x509, pkey);
    X509_NAME* name = X509_get_subject_name(x509);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x509, name);
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, x509, x509, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    X509_add_ext(x509, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(x509, pkey, EVP_sha256());

    FILE* out = std::fopen(certificate.c_str(), "w");
    PEM_write_X509(out, x509);
    std::fclose(out);
    out = std::fopen(key.c_str(), "w");
    PEM_write_PrivateKey(out, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(out);
    X509_free(x509);
    EVP_PKEY_free(pkey);
}

TempDir::TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() / ("caf-server-test-" + std::to_string(random()) + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

}  // namespace caf::testing
