// The end of a proved login, whatever proved it (the password, a provider, or both when an
// external identity is linked): the pending steps first (CGU, renewal, first connection,
// delegation question, SPEC.md §3) as a PendingLogin, or the SSO session at once.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "account/steps/pending_steps.hpp"
#include "account/web/login_completion.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "storage/accounts.hpp"
#include "storage/database.hpp"

namespace caf::account {

struct AccountContext;

struct FinishedLogin {
    std::vector<std::string> cookies;  // Set-Cookie values: the SSO session, or the pending steps
    std::string next;                  // the steps page, the client's resume URL or "Gérer Mon Compte"
    bool interaction_expired = false;  // the session opened, but the interaction ended meanwhile

    void add_cookies(http::Response& response) const {
        for (const auto& cookie : cookies) response.headers.add("Set-Cookie", cookie);
    }
};

// What stands between a proved login of `account` and its session (the dossier read too).
std::vector<PendingStep> pending_steps_of(AccountContext& ctx, const storage::Account& account, TimePoint now);

// `also` runs in the transaction that stores the pending login or opens the session (a link
// written, a pending identity removed); it may run more than once.
FinishedLogin finish_login(const http::Request& request, AccountContext& ctx, const LoginToComplete& login,
                           const std::vector<PendingStep>& pending, TimePoint now,
                           const std::function<void(storage::Connection&)>& also = {});

// 303 to `finished.next` with its cookies, or the expired-interaction page (the cookies still set).
http::Response finished_login_response(AccountContext& ctx, const FinishedLogin& finished);

}  // namespace caf::account
