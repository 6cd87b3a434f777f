// Reading OpenSSL's per-thread error queue into a message.
#include "oidc/jose/openssl_handles.hpp"

#include <openssl/err.h>

namespace caf::oidc::jose {

std::string take_openssl_error() {
    unsigned long code = ERR_get_error();
    std::string reason;
    if (code != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        reason = buffer;
    }
    ERR_clear_error();
    return reason.empty() ? "unknown OpenSSL error" : reason;
}

}  // namespace caf::oidc::jose
