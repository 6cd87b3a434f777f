// The account module's route table.
#include "account/web/account_routes.hpp"

#include "core/login_contract.hpp"

#include <algorithm>

#include "account/web/account_home.hpp"
#include "account/web/coming_soon.hpp"
#include "account/web/login_page.hpp"

namespace caf::account {

void register_account_routes(http::Router& router, AccountContext& ctx) {
    using http::Execution;
    using http::Request;
    router.add("GET", "/connexion", Execution::blocking, [&ctx](const Request& r) { return show_login_page(r, ctx); });
    router.add("POST", "/connexion", Execution::blocking, [&ctx](const Request& r) { return submit_login(r, ctx); });
    router.add("GET", "/connexion/oublier-identifiant", Execution::inline_cpu,
               [&ctx](const Request& r) { return forget_remembered_identifier(r, ctx); });
    router.add("GET", "/mon-compte", Execution::blocking, [&ctx](const Request& r) { return show_account_home(r, ctx); });
    router.add("POST", "/deconnexion", Execution::blocking, [&ctx](const Request& r) { return submit_logout(r, ctx); });
    router.add("GET", "/deconnexion", Execution::inline_cpu, [&ctx](const Request& r) { return show_logged_out(r, ctx); });
    router.add("GET", std::string(login::cgu_path), Execution::blocking, [&ctx](const Request& r) { return show_cgu(r, ctx); });

    // Until their issues land; those register their own pages in place of these.
    const HtmlTemplates& pages = ctx.pages;
    const auto& providers = ctx.config.providers;
    if (std::none_of(providers.begin(), providers.end(), [](const auto& p) { return p.name == "franceconnect"; }))
        router.add("GET", "/franceconnect", Execution::inline_cpu,
                   [&pages](const Request& r) { return franceconnect_coming_soon(r, pages); });
}

}  // namespace caf::account
