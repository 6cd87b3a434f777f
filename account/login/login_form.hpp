// The login form as posted: the fields exactly as typed, nothing checked yet (LoginService does).
#pragma once

#include <string>

#include "core/http.hpp"

namespace caf::account {

// Names of the form's fields, shared by the template and the parser.
namespace login_field {
inline constexpr const char* identifier = "identifiant";
inline constexpr const char* password = "mot_de_passe";
inline constexpr const char* remember = "se_souvenir";
inline constexpr const char* provisional = "provisoire";
inline constexpr const char* captcha_id = "captcha_id";
inline constexpr const char* captcha_answer = "captcha";
}  // namespace login_field

struct LoginForm {
    std::string identifier;         // as typed: spaces and a lower-case "p" allowed
    std::string password;
    bool remember = false;          // "Se souvenir de moi"
    bool provisional_mode = false;  // the page showed "Identifiant provisoire"
    // The captcha ("Vérification de sécurité"), checked when the lockout asks for it.
    std::string captcha_id;
    std::string captcha_answer;
};

LoginForm read_login_form(const http::Params& form);

}  // namespace caf::account
