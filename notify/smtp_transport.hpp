// E-mail over SMTP with libcurl: STARTTLS (smtp://) or implicit TLS (smtps://), authentication,
// bounded by timeouts. Runs on the notification worker's thread, never on the network threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "notify/transport.hpp"
#include "core/random.hpp"

namespace caf::notify {

struct SmtpSettings {
    std::string url;  // smtp://HOST:PORT or smtps://HOST:PORT
    std::optional<std::string> user;
    std::optional<std::string> password;
    std::string from;  // "Mon Compte <no-reply@caf.fr>" or a bare address
    // smtp:// without credentials: STARTTLS when the server offers it. With credentials it is
    // required, so a password never crosses the network in clear.
    bool require_tls = false;
    std::optional<std::string> ca_file;  // trust anchors other than the system's (tests)
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds total_timeout{30'000};
};

class SmtpTransport final : public Transport {
public:
    // Throws std::invalid_argument when `from` is not an address (a startup error).
    SmtpTransport(SmtpSettings settings, Random& random);
    SendResult send(const OutgoingMessage& message) override;

private:
    SmtpSettings settings_;
    std::string from_address_;
    std::string message_id_domain_;
    Random& random_;
};

}  // namespace caf::notify
