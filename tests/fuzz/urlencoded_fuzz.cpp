// Query strings and application/x-www-form-urlencoded bodies (every form and OAuth request):
// percent-decoding and the parameter list, with encode → parse round trips.
#include "core/http.hpp"
#include "fuzz_support.hpp"

using namespace caf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = fuzz::as_text(data, size);

    if (auto params = http::parse_urlencoded(text)) {
        auto again = http::parse_urlencoded(http::encode_params(*params));
        FUZZ_CHECK(again.has_value());
        FUZZ_CHECK(*again == *params);
        for (const auto& [name, value] : *params) {
            FUZZ_CHECK(http::find_param(*params, name).has_value());
            (void)http::is_repeated(*params, name);
        }
    }
    if (auto decoded = http::percent_decode(text)) {
        FUZZ_CHECK(decoded->size() <= text.size());
        FUZZ_CHECK(http::percent_decode(http::url_encode(*decoded)) == *decoded);
    }
    // Any bytes survive encoding, and the encoding needs no further escaping.
    const std::string encoded = http::url_encode(text);
    FUZZ_CHECK(http::percent_decode(encoded) == std::string(text));
    FUZZ_CHECK(encoded.find_first_of("&=+ ?#") == std::string::npos);

    http::Request request;
    request.query = std::string(text);
    request.body = std::string(text);
    request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    FUZZ_CHECK(request.query_params() == request.form_params());
    (void)http::split_http_url(text);
    return 0;
}
