// Request ids: one per request, echoed in X-Request-Id and every log line about the request, so a
// user's report can be traced through a proxy to the handler.
#pragma once

#include <string>
#include <string_view>

namespace caf::server {

// 128 random bits, base64url (22 characters).
std::string new_request_id();

// An incoming id (from a trusted proxy only) is kept when it is 1 to 128 characters of
// [A-Za-z0-9._:-]: anything else could inject into logs and headers.
bool is_well_formed_request_id(std::string_view id);

}  // namespace caf::server
