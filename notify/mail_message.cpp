// RFC 5322 / 2045 / 2047 formatting for outgoing mail.
#include "notify/mail_message.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include "core/crypto.hpp"

namespace caf::notify::mail {

namespace {

bool plain_ascii(std::string_view s) {
    for (char c : s) {
        const auto u = std::uint8_t(c);
        if (u < 0x20 || u > 0x7e) return false;
    }
    // "=?" would be read as the start of an encoded word.
    return s.find("=?") == std::string_view::npos;
}

std::size_t utf8_length(std::uint8_t lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xe0) == 0xc0) return 2;
    if ((lead & 0xf0) == 0xe0) return 3;
    if ((lead & 0xf8) == 0xf0) return 4;
    return 1;
}

}  // namespace

std::string encode_header_text(std::string_view utf8) {
    if (plain_ascii(utf8)) return std::string(utf8);
    // "=?UTF-8?B?" + "?=" is 12 characters; 45 bytes give 60 base64 characters: 72 < 75.
    constexpr std::size_t max_chunk = 45;
    std::string out;
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::size_t end = i;
        while (end < utf8.size()) {
            std::size_t len = utf8_length(std::uint8_t(utf8[end]));
            if (end + len > utf8.size()) len = utf8.size() - end;
            if (end - i + len > max_chunk) break;
            end += len;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + crypto::base64_encode(utf8.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string quoted_printable(std::string_view utf8) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t line_length = 0;
    auto emit = [&](std::string_view token) {
        if (line_length + token.size() > 75) {  // leave room for the soft break '='
            out += "=\r\n";
            line_length = 0;
        }
        out += token;
        line_length += token.size();
    };
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = std::uint8_t(utf8[i]);
        if (c == '\r' && i + 1 < utf8.size() && utf8[i + 1] == '\n') continue;
        if (c == '\n') {
            out += "\r\n";
            line_length = 0;
            continue;
        }
        const bool at_line_end = i + 1 == utf8.size() || utf8[i + 1] == '\n' || utf8[i + 1] == '\r';
        const bool literal = (c >= 33 && c <= 126 && c != '=' && !(c == '.' && line_length == 0)) ||
                             ((c == ' ' || c == '\t') && !at_line_end);
        if (literal) {
            const char ch = char(c);
            emit(std::string_view(&ch, 1));
        } else {
            const char encoded[3] = {'=', hex[c >> 4], hex[c & 15]};
            emit(std::string_view(encoded, 3));
        }
    }
    return out;
}

std::string rfc5322_date(TimePoint t) {
    const std::time_t seconds = std::time_t(to_unix_seconds(t));
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[std::size_t(tm.tm_wday)],
                  tm.tm_mday, months[std::size_t(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buffer;
}

std::optional<std::string> address_of(std::string_view mailbox) {
    std::string_view address = mailbox;
    if (const auto open = mailbox.rfind('<'); open != std::string_view::npos) {
        const auto close = mailbox.find('>', open);
        if (close == std::string_view::npos || close != mailbox.size() - 1) return std::nullopt;
        address = mailbox.substr(open + 1, close - open - 1);
    }
    const auto at = address.find('@');
    if (address.empty() || address.size() > 254 || at == std::string_view::npos || at == 0 ||
        at + 1 == address.size() || address.find('@', at + 1) != std::string_view::npos)
        return std::nullopt;
    for (char c : address) {
        const auto u = std::uint8_t(c);
        if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '\\')
            return std::nullopt;
    }
    return std::string(address);
}

std::string render(const MailMessage& m) {
    std::string from = m.from;
    // A display name goes out as an encoded word when it is not plain ASCII.
    if (const auto open = from.rfind('<'); open != std::string::npos && open > 0) {
        std::string name = from.substr(0, open);
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (!name.empty() && name.front() == '"' && name.back() == '"' && name.size() >= 2)
            name = name.substr(1, name.size() - 2);
        from = (plain_ascii(name) && name.find_first_of("\"(),.:;<>@[\\]") == std::string::npos
                    ? name
                    : (plain_ascii(name) ? "\"" + name + "\"" : encode_header_text(name))) +
               " " + from.substr(open);
    }
    std::string out;
    out += "Date: " + rfc5322_date(m.date) + "\r\n";
    out += "From: " + from + "\r\n";
    out += "To: <" + m.to + ">\r\n";
    out += "Subject: " + encode_header_text(m.subject) + "\r\n";
    out += "Message-ID: " + m.message_id + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n";
    out += "\r\n";
    out += quoted_printable(m.text);
    out += "\r\n";
    return out;
}

}  // namespace caf::notify::mail
