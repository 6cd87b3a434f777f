// Route table of the recovery flows.
#include "account/web/recovery_routes.hpp"

#include "account/web/recovery_pages.hpp"

namespace caf::account {

void register_recovery_routes(http::Router& router, AccountContext& ctx) {
    using http::Execution;
    using http::Request;
    namespace r = recovery;
    router.add("GET", "/mot-de-passe-oublie", Execution::blocking, [&ctx](const Request& q) { return r::show_identify(q, ctx); });
    router.add("POST", "/mot-de-passe-oublie", Execution::blocking, [&ctx](const Request& q) { return r::submit_identify(q, ctx); });
    router.add("GET", "/mot-de-passe-oublie/etapes", Execution::blocking, [&ctx](const Request& q) { return r::show_step(q, ctx); });
    router.add("POST", "/mot-de-passe-oublie/etapes", Execution::blocking, [&ctx](const Request& q) { return r::submit_step(q, ctx); });
    router.add("POST", "/mot-de-passe-oublie/abandonner", Execution::blocking, [&ctx](const Request& q) { return r::quit(q, ctx); });
    router.add("GET", "/identifiant-provisoire-oublie", Execution::blocking,
               [&ctx](const Request& q) { return r::show_provisional_id_form(q, ctx); });
    router.add("POST", "/identifiant-provisoire-oublie", Execution::blocking,
               [&ctx](const Request& q) { return r::submit_provisional_id_form(q, ctx); });
}

}  // namespace caf::account
