// Beast request message → neutral Request.
#include "server/request_conversion.hpp"

namespace caf::server {

http::Request to_request_head(const boost::beast::http::request<boost::beast::http::string_body>& message) {
    http::Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    for (const auto& field : message) {
        request.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    return request;
}

http::Request to_request(boost::beast::http::request<boost::beast::http::string_body> message) {
    http::Request request = to_request_head(message);
    request.body = std::move(message.body());
    return request;
}

}  // namespace caf::server
