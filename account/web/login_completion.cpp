// Opening the session and completing the interaction of a successful login.
#include "account/web/login_completion.hpp"

#include "account/history/login_history.hpp"
#include "account/session/sso_session.hpp"
#include "account/web/account_context.hpp"
#include "core/login_contract.hpp"
#include "storage/audit_log.hpp"
#include "storage/interactions.hpp"

namespace caf::account {

CompletedLogin complete_login(const http::Request& request, AccountContext& ctx, const LoginToComplete& login,
                              TimePoint now, const std::function<void(storage::Connection&)>& also) {
    const auto now_s = to_unix_seconds(now);
    CompletedLogin out;
    auto sessions = session::SsoSessions::from(ctx.config, ctx.db, ctx.random);
    auto opened = sessions.open(request, login.account_id, login.amr, login.acr, now,
                                [&](storage::Connection& c, const std::string& digest) {
                                    out.interaction_completed = false;
                                    if (login.interaction_id) {
                                        login::LoginResult result{login.account_id, login.amr, login.acr, now_s, digest};
                                        out.interaction_completed = storage::Interactions(ctx.db).complete(
                                            c, login::digest(*login.interaction_id), login::to_json(result), now_s);
                                    }
                                    storage::AuditLog(ctx.db).append(
                                        c, login_success_entry(login.account_id, now_s, login.method, login.acr,
                                                               login.client_id, request));
                                    if (also) also(c);
                                },
                                login.upstream);
    out.session_cookie = opened.set_cookie;
    return out;
}

std::string after_login_url(const std::optional<std::string>& interaction_id) {
    return interaction_id ? login::resume_url(*interaction_id) : std::string(login::account_home_path);
}

}  // namespace caf::account
