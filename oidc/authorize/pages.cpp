// French pages of the browser-facing endpoints.
#include "oidc/authorize/pages.hpp"

namespace caf::oidc {

http::Response& no_store(http::Response& response) {
    response.headers.set("Cache-Control", "no-store");
    response.headers.set("Pragma", "no-cache");
    return response;
}

http::Response page(const ProviderContext& ctx, int status, const std::string& name, const nlohmann::json& data) {
    auto response = ctx.pages.page(status, name, data);
    no_store(response);
    return response;
}

http::Response error_page(const ProviderContext& ctx, int status, std::string_view message, std::string_view title) {
    return page(ctx, status, "oidc_error", {{"title", title}, {"message", message}});
}

}  // namespace caf::oidc
