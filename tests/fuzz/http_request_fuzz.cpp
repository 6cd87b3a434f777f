// Raw bytes from a client through Beast's request parser (with the server's default limits) and
// the conversion to the neutral Request every module sees (server/request_conversion).
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "server/request_conversion.hpp"
#include "fuzz_support.hpp"

using namespace caf;
namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    boost::system::error_code ec;
    std::size_t offset = 0;
    while (!ec && !parser.is_done() && offset < size) {
        const std::size_t used = parser.put(boost::asio::buffer(data + offset, size - offset), ec);
        if (ec == bhttp::error::need_more) {
            ec = {};
            if (used == 0) break;
        }
        offset += used;
    }
    if (!ec && !parser.is_done() && parser.is_header_done()) parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;

    const std::size_t field_count = static_cast<std::size_t>(std::distance(parser.get().begin(), parser.get().end()));
    const std::string method(parser.get().method_string());
    http::Request request = server::to_request(parser.release());

    FUZZ_CHECK(request.method == method);
    FUZZ_CHECK(request.path.find('?') == std::string::npos);
    FUZZ_CHECK(request.target == request.path ||
               request.target == request.path + "?" + request.query);
    FUZZ_CHECK(request.headers.fields().size() == field_count);
    for (const auto& [name, value] : request.headers.fields()) {
        FUZZ_CHECK(request.header(name).has_value());
        FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos);
    }
    (void)request.query_params();
    (void)request.form_params();
    (void)request.cookie("__Host-caf_sso");
    return 0;
}
