// OpenSSL's defaults still allow TLS 1.0/1.1 where the system configuration does not forbid
// them, so the floor is set here explicitly.
#include "server/tls_context.hpp"

#include <stdexcept>
#include <string>

#include <utility>
#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

namespace caf::server {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_tls_context(const TlsFiles& files) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                         ssl::context::no_compression);
    SSL_CTX* native = context->native_handle();
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
        throw std::runtime_error("TLS: cannot set the minimum protocol version");
    if (SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1)
        throw std::runtime_error("TLS: cipher list refused");
    // The server's order, not the client's: weaker suites a client lists first are not picked.
    SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);

    boost::system::error_code ec;
    context->use_certificate_chain_file(files.certificate_chain_file, ec);
    if (ec)
        throw std::runtime_error("TLS certificate '" + files.certificate_chain_file + "': " + ec.message());
    context->use_private_key_file(files.private_key_file, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("TLS private key '" + files.private_key_file + "': " + ec.message());
    if (SSL_CTX_check_private_key(native) != 1)
        throw std::runtime_error("TLS private key '" + files.private_key_file + "' does not match the certificate");
    return context;
}

}  // namespace caf::server
