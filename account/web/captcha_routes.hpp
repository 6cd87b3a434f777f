// The captcha image route: GET /captcha/<id>.png, registered as blocking (it reads the store).
#pragma once

#include "account/captcha/captcha.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "core/router.hpp"

namespace caf::account {

struct CaptchaContext {
    CaptchaService& captcha;
    const Clock& clock;
};

// 200 image/png for a challenge that can still be answered, 404 otherwise; never cached.
http::Response captcha_image(const http::Request& request, CaptchaContext& ctx);

// Adds GET /captcha/* (blocking). `ctx` must outlive the router.
void register_captcha_routes(http::Router& router, CaptchaContext& ctx);

}  // namespace caf::account
