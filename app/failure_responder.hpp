// The application's answer to a handler that threw (wired into the server by application.cpp):
// a store that cannot be reached, is full or read-only answers 503 with Retry-After — a French
// page for a browser, an OAuth error body for a client; any other exception answers 500 in the
// same two shapes. The server has logged the exception (without personal data) before.
#pragma once

#include <chrono>

#include "core/html_templates.hpp"
#include "server/server.hpp"

namespace caf::app {

// `pages` must outlive the responder.
server::FailureResponder make_failure_responder(const HtmlTemplates& pages, std::chrono::seconds retry_after);

}  // namespace caf::app
