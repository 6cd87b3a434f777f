// One SMTP session per message (the volume is low: freeze notices and codes); curl does the
// dot-stuffing and the STARTTLS upgrade.
#include "notify/smtp_transport.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include <curl/curl.h>

#include "notify/mail_message.hpp"

namespace caf::notify {

namespace {

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UploadSource {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* source = static_cast<UploadSource*>(user);
    const std::size_t n = std::min(size * count, source->data.size() - source->offset);
    std::memcpy(buffer, source->data.data() + source->offset, n);
    source->offset += n;
    return n;
}

// "<" + s + ">" built by appending: g++ 12 warns falsely (-Wrestrict, GCC bug 105329) on
// operator+(const char*, std::string&&).
std::string angle_bracketed(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '<';
    out += s;
    out += '>';
    return out;
}

struct CurlHandle {
    CURL* handle = curl_easy_init();
    curl_slist* recipients = nullptr;
    ~CurlHandle() {
        curl_slist_free_all(recipients);
        if (handle) curl_easy_cleanup(handle);
    }
};

}  // namespace

SmtpTransport::SmtpTransport(SmtpSettings settings, Random& random) : settings_(std::move(settings)), random_(random) {
    global_init_once();
    auto from = mail::address_of(settings_.from);
    if (!from) throw std::invalid_argument("the sender is not an e-mail address");
    from_address_ = *from;
    message_id_domain_ = from_address_.substr(from_address_.find('@') + 1);
    if (settings_.user) settings_.require_tls = true;
}

SendResult SmtpTransport::send(const OutgoingMessage& message) {
    const auto to = mail::address_of(message.recipient);
    if (!to || *to != message.recipient) return unexpected(TransportError{"smtp: malformed recipient address", true});

    mail::MailMessage m;
    m.from = settings_.from;
    m.to = *to;
    m.subject = message.subject;
    m.text = message.text;
    // Unique per send; the queue id ties a message to its row for whoever reads the relay's logs.
    std::string id_left = std::to_string(message.id);
    id_left += '.';
    id_left += random_token(random_, 12);
    id_left += '@';
    id_left += message_id_domain_;
    m.message_id = angle_bracketed(id_left);
    m.date = message.date;
    const std::string body = mail::render(m);

    CurlHandle curl;
    if (!curl.handle) return unexpected(TransportError{"smtp: cannot initialise libcurl"});
    CURL* h = curl.handle;
    UploadSource source{body};
    curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    if (settings_.url.starts_with("smtp://"))
        curl_easy_setopt(h, CURLOPT_USE_SSL, long(settings_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    if (settings_.ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, settings_.ca_file->c_str());
    if (settings_.user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, settings_.user->c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.value_or("").c_str());
    }
    const std::string mail_from = angle_bracketed(from_address_);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
    const std::string rcpt = angle_bracketed(*to);
    curl.recipients = curl_slist_append(nullptr, rcpt.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, curl.recipients);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, &source);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.size()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, long(settings_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, long(settings_.total_timeout.count()));

    const CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) return Delivered{m.message_id};
    long response = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response);
    // curl's error buffer may quote the server, which may quote the address: only the code and
    // the reply number are kept.
    std::string reason = "smtp: ";
    reason += curl_easy_strerror(rc);
    if (response) {
        reason += " (reply ";
        reason += std::to_string(response);
        reason += ')';
    }
    // 550/551/553: the mailbox does not exist or the address is refused; 501: bad address syntax.
    const bool permanent = response == 550 || response == 551 || response == 553 || response == 501;
    return unexpected(TransportError{reason, permanent});
}

}  // namespace caf::notify
