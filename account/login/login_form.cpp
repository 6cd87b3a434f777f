// Reading the posted login form.
#include "account/login/login_form.hpp"

namespace caf::account {

LoginForm read_login_form(const http::Params& form) {
    LoginForm out;
    out.identifier = http::find_param(form, login_field::identifier).value_or("");
    out.password = http::find_param(form, login_field::password).value_or("");
    out.remember = http::find_param(form, login_field::remember).has_value();
    out.provisional_mode = http::find_param(form, login_field::provisional).value_or("") == "1";
    out.captcha_id = http::find_param(form, login_field::captcha_id).value_or("");
    out.captcha_answer = http::find_param(form, login_field::captcha_answer).value_or("");
    // Trim what the browser may add around the identifier; the password is taken as typed.
    while (!out.identifier.empty() && (out.identifier.back() == ' ' || out.identifier.back() == '\t'))
        out.identifier.pop_back();
    return out;
}

}  // namespace caf::account
