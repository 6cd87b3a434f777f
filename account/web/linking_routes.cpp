// The linking pages' route table.
#include "account/web/linking_routes.hpp"

#include "account/linking/pending_external_identity.hpp"
#include "account/web/account_context.hpp"
#include "account/web/linking_pages.hpp"

namespace caf::account {

void register_linking_routes(http::Router& router, AccountContext& ctx) {
    using http::Execution;
    using http::Request;
    namespace l = linking;
    router.add("GET", std::string(l::choice_path), Execution::blocking,
               [&ctx](const Request& r) { return l::show_choice(r, ctx); });
    router.add("POST", std::string(l::choice_path), Execution::blocking,
               [&ctx](const Request& r) { return l::submit_existing_account(r, ctx); });
    router.add("GET", std::string(l::linked_path), Execution::blocking,
               [&ctx](const Request& r) { return l::show_linked(r, ctx); });
    router.add("POST", std::string(l::create_path), Execution::blocking,
               [&ctx](const Request& r) { return l::start_prefilled_creation(r, ctx); });
    router.add("GET", std::string(l::unlink_path), Execution::blocking,
               [&ctx](const Request& r) { return l::show_unlink(r, ctx); });
    router.add("POST", std::string(l::unlink_path), Execution::blocking,
               [&ctx](const Request& r) { return l::submit_unlink(r, ctx); });
    router.add("GET", std::string(l::unlinked_path), Execution::blocking,
               [&ctx](const Request& r) { return l::show_unlinked(r, ctx); });
}

}  // namespace caf::account
