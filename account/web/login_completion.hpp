// The end of every native login, whatever came before it (the password alone, or the password
// and then the pending steps): open the SSO session, complete the interaction, audit the login
// with what "Mon historique" shows, all in one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "account/session/sso_session.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "storage/database.hpp"

namespace caf::account {

struct AccountContext;

struct LoginToComplete {
    std::int64_t account_id = 0;
    std::optional<std::string> interaction_id;  // none: the login was started on /connexion itself
    std::optional<std::string> client_id;       // for the audit entry and the history
    std::vector<std::string> amr;
    std::string acr;
    std::string method = "pwd";                 // "pwd", "fc", or a provider name (history)
    std::optional<session::UpstreamLogin> upstream;  // a login through FranceConnect or another provider
};

struct CompletedLogin {
    std::string session_cookie;  // Set-Cookie of the new SSO session
    bool interaction_completed = false;
};

// `also` runs in the same transaction (a pending login removed, a confirmation queued); it may
// run more than once (transaction retry).
CompletedLogin complete_login(const http::Request& request, AccountContext& ctx, const LoginToComplete& login,
                              TimePoint now, const std::function<void(storage::Connection&)>& also = {});

// Where the browser goes next: the resume URL of the interaction, or "Gérer Mon Compte".
std::string after_login_url(const std::optional<std::string>& interaction_id);

}  // namespace caf::account
