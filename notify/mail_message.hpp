// An RFC 5322 message for the SMTP transport: UTF-8 subject as RFC 2047 encoded words, body in
// quoted-printable, CRLF line ends. Pure functions, tested without a server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace caf::notify::mail {

// "=?UTF-8?B?...?=" words of at most 75 characters, split on character boundaries and joined by
// folding whitespace; pure printable ASCII is returned as it is.
std::string encode_header_text(std::string_view utf8);
// RFC 2045 quoted-printable, lines of at most 76 characters, CRLF line ends; input lines may end
// in LF or CRLF.
std::string quoted_printable(std::string_view utf8);
// "Tue, 14 Nov 2023 22:13:20 +0000"
std::string rfc5322_date(TimePoint t);
// The address inside "Name <addr>", or the whole text; nullopt when it is not one plausible
// address (no CR/LF, one '@', no spaces or angle brackets).
std::optional<std::string> address_of(std::string_view mailbox);

struct MailMessage {
    std::string from;        // "Mon Compte <no-reply@caf.fr>" or a bare address
    std::string to;          // a bare address
    std::string subject;     // UTF-8
    std::string text;        // UTF-8 plain text
    std::string message_id;  // "<...@domain>"
    TimePoint date;
};

std::string render(const MailMessage& m);

}  // namespace caf::notify::mail
