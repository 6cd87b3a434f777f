// GET /captcha/<id>.png: the picture of a live challenge, or 404.
#include "account/web/captcha_routes.hpp"

namespace caf::account {
namespace {

http::Response not_found() {
    auto response = http::Response::text(404, "Image introuvable ou expirée.");
    response.headers.set("Cache-Control", "no-store");
    return response;
}

}  // namespace

http::Response captcha_image(const http::Request& request, CaptchaContext& ctx) {
    std::string_view path = request.path;
    constexpr std::string_view suffix = ".png";
    if (!path.starts_with(captcha_path_prefix) || !path.ends_with(suffix)) return not_found();
    path.remove_prefix(captcha_path_prefix.size());
    path.remove_suffix(suffix.size());

    auto png = ctx.captcha.image(path, ctx.clock.now());
    if (!png) return not_found();
    http::Response response;
    response.status = 200;
    response.headers.set("Content-Type", "image/png");
    // A challenge is single use: no cache, shared or private, may keep or replay its picture.
    response.headers.set("Cache-Control", "no-store");
    response.body = std::move(*png);
    return response;
}

void register_captcha_routes(http::Router& router, CaptchaContext& ctx) {
    router.add("GET", std::string(captcha_path_prefix) + "*", http::Execution::blocking,
               [&ctx](const http::Request& request) { return captcha_image(request, ctx); });
}

}  // namespace caf::account
