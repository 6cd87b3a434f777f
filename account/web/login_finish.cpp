// Pending steps or session: the one place a proved login turns into either.
#include "account/web/login_finish.hpp"

#include <algorithm>

#include "account/households/household.hpp"
#include "account/steps/pending_login.hpp"
#include "account/web/account_context.hpp"
#include "account/web/page_support.hpp"
#include "core/random.hpp"

namespace caf::account {

std::vector<PendingStep> pending_steps_of(AccountContext& ctx, const storage::Account& account, TimePoint now) {
    return detect_pending_steps(account, to_unix_seconds(now), step_rules(ctx.config),
                                households::dossier_facts(ctx.db, account.id));
}

FinishedLogin finish_login(const http::Request& request, AccountContext& ctx, const LoginToComplete& login,
                           const std::vector<PendingStep>& pending, TimePoint now,
                           const std::function<void(storage::Connection&)>& also) {
    FinishedLogin out;
    auto stages = steps::stages_of(pending);
    if (stages.empty()) {
        auto completed = complete_login(request, ctx, login, now, also);
        out.cookies.push_back(completed.session_cookie);
        out.interaction_expired = login.interaction_id && !completed.interaction_completed;
        out.next = after_login_url(login.interaction_id);
        return out;
    }
    // No session and no completed interaction yet: the steps pages finish the login.
    steps::PendingLogin p;
    p.account_id = login.account_id;
    p.interaction_id = login.interaction_id;
    p.client_id = login.client_id;
    p.amr = login.amr;
    p.acr = login.acr;
    p.auth_time = to_unix_seconds(now);
    p.method = login.method;
    p.upstream = login.upstream;
    p.stages = std::move(stages);
    p.legacy = std::find(pending.begin(), pending.end(), PendingStep::legacy_first_connection) != pending.end();
    steps::PendingLogins logins(ctx.db, ctx.random);
    // The id is drawn before the transaction: a retry stores the same.
    const auto loaded = logins.fresh(std::move(p), now);
    ctx.db.transaction([&](storage::Connection& c) {
        logins.save(c, loaded, now);
        if (also) also(c);
    });
    out.cookies.push_back(steps::PendingLogins::cookie(loaded, now));
    out.next = std::string(steps::steps_path);
    return out;
}

http::Response finished_login_response(AccountContext& ctx, const FinishedLogin& finished) {
    auto response = finished.interaction_expired ? expired_interaction_page(ctx.pages)
                                                 : http::Response::redirect(finished.next, 303);
    finished.add_cookies(response);
    return response;
}

}  // namespace caf::account
