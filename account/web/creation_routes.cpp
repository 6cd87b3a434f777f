// The creation wizard's route table.
#include "account/web/creation_routes.hpp"

#include <memory>
#include <optional>

#include "account/creation/identity_document.hpp"
#include "account/web/creation_pages.hpp"

namespace caf::account {

void register_creation_routes(http::Router& router, AccountContext& context) {
    register_creation_routes(router, context, CreationSettings{}, nullptr);
}

void register_creation_routes(http::Router& router, AccountContext& context, CreationSettings settings,
                              creation::IdentityDocumentVerifier* verifier) {
    using namespace creation;
    using http::Execution;
    using http::Request;
    // The routes share one context; the default verifier lives as long as they do.
    struct Owned {
        FormatOnlyDocumentVerifier format_only;
        std::optional<CreationContext> ctx;
    };
    auto owned = std::make_shared<Owned>();
    owned->ctx.emplace(CreationContext{context, settings, verifier ? *verifier : owned->format_only});
    auto ctx = std::shared_ptr<CreationContext>(owned, &*owned->ctx);
    router.add("GET", std::string(creation_path), Execution::blocking,
               [ctx](const Request& r) { return show_intro(r, *ctx); });
    router.add("POST", std::string(creation_path), Execution::blocking,
               [ctx](const Request& r) { return start_creation(r, *ctx); });
    router.add("GET", std::string(stage_path), Execution::blocking,
               [ctx](const Request& r) { return show_stage(r, *ctx); });
    router.add("POST", std::string(stage_path), Execution::blocking,
               [ctx](const Request& r) { return submit_stage(r, *ctx); });
    router.add("POST", std::string(quit_path), Execution::blocking,
               [ctx](const Request& r) { return quit_creation(r, *ctx); });
}

}  // namespace caf::account
