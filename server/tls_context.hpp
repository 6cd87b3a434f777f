// The server's TLS configuration: TLS 1.2 and 1.3 only, forward-secret AEAD suites for 1.2.
#pragma once

#include <memory>

#include "server/options.hpp"

namespace boost::asio::ssl {
class context;
}

namespace caf::server {

// Throws std::runtime_error naming the file when the certificate or key cannot be loaded (a
// startup error).
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const TlsFiles& files);

}  // namespace caf::server
