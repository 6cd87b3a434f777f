// "Bientôt disponible" pages for the links of the login page whose flows have their own issues
// (FranceConnect, account creation, recovery): each says so in French and links back.
#pragma once

#include "core/http.hpp"

namespace caf {
class HtmlTemplates;
}

namespace caf::account {

http::Response franceconnect_coming_soon(const http::Request& request, const HtmlTemplates& pages);
http::Response create_account_coming_soon(const http::Request& request, const HtmlTemplates& pages);

}  // namespace caf::account
