// "Mon historique": the recent logins of the person with the session.
#include "account/web/history_page.hpp"

#include <nlohmann/json.hpp>

#include "account/history/login_history.hpp"
#include "account/session/sso_session.hpp"
#include "account/web/account_context.hpp"
#include "core/login_contract.hpp"

namespace caf::account {

http::Response show_login_history(const http::Request& request, AccountContext& ctx) {
    auto sessions = session::SsoSessions::from(ctx.config, ctx.db, ctx.random);
    auto session = sessions.current(request, ctx.clock.now());
    if (!session) return http::Response::redirect(std::string(login::login_path), 303);
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& line : recent_logins(ctx.db, ctx.config, session->account_id))
        lines.push_back({{"date", line.date}, {"method", line.method}, {"client", line.client}, {"device", line.device}});
    auto response = ctx.pages.page(200, "account_history",
                                   {{"title", "Mon historique"}, {"lines", lines}, {"empty", lines.empty()}});
    response.headers.set("Cache-Control", "no-store");
    return response;
}

}  // namespace caf::account
