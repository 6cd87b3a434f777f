// Beast's parsed request message → the neutral http::Request the modules see. Apart from the
// session so that it can be fuzzed without sockets or coroutines (tests/fuzz/).
#pragma once

#include <utility>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/http.hpp"

namespace caf::server {

// Method, target split into path and query at the first '?', every header field in order; no
// body (the session reads it once the route admits it). remote_address, request_id and secure
// are the session's to set.
http::Request to_request_head(const boost::beast::http::request<boost::beast::http::string_body>& message);
// The same with the body.
http::Request to_request(boost::beast::http::request<boost::beast::http::string_body> message);

}  // namespace caf::server
