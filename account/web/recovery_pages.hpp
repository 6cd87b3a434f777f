// The recovery pages: parse, call the rules of password_recovery.hpp / provisional_id_recovery.hpp,
// render. One place per flow turns outcomes into pages.
#pragma once

#include "account/web/account_context.hpp"
#include "core/http.hpp"

namespace caf::account::recovery {

http::Response show_identify(const http::Request& request, AccountContext& ctx);
http::Response submit_identify(const http::Request& request, AccountContext& ctx);
http::Response show_step(const http::Request& request, AccountContext& ctx);
http::Response submit_step(const http::Request& request, AccountContext& ctx);
http::Response quit(const http::Request& request, AccountContext& ctx);
http::Response show_provisional_id_form(const http::Request& request, AccountContext& ctx);
http::Response submit_provisional_id_form(const http::Request& request, AccountContext& ctx);

}  // namespace caf::account::recovery
