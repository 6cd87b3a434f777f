// The contact form's rules.
#include "account/creation/contact_form.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace caf::account::creation {

using text::lower_ascii;
using text::trim;

std::string phone_digits(std::string_view typed) {
    std::string out;
    for (char c : typed)
        if (c != ' ' && c != '.' && c != '-') out += c;
    return out;
}

bool is_mobile_number(std::string_view n) {
    return n.size() == 10 && (n.starts_with("06") || n.starts_with("07")) &&
           n.find_first_not_of("0123456789") == std::string_view::npos;
}

bool looks_like_email_address(std::string_view email) {
    auto at = email.find('@');
    return email.size() <= 254 && at != std::string_view::npos && at > 0 &&
           email.find('@', at + 1) == std::string_view::npos && email.find('.', at) != std::string_view::npos &&
           email.back() != '.' && email.find('.', at) != at + 1 &&
           email.find_first_of(" \t\r\n<>\"(),;:[]\\") == std::string_view::npos;
}

expected<ContactEntry, FieldErrors> check_contact_form(const http::Params& form) {
    namespace f = contact_field;
    auto value = [&](const char* name) { return trim(http::find_param(form, name).value_or("")); };
    FieldErrors errors;
    ContactEntry out;
    const auto channel = value(f::channel);
    if (channel == "sms") {
        out.channel = CodeChannel::sms;
        out.value = phone_digits(value(f::phone));
        if (out.value.empty()) errors[f::phone] = "Veuillez saisir votre numéro de téléphone portable.";
        else if (!is_mobile_number(out.value))
            errors[f::phone] = "Le numéro de téléphone portable doit comporter 10 chiffres et commencer par 06 ou 07.";
        else if (phone_digits(value(f::phone_confirmation)) != out.value)
            errors[f::phone_confirmation] = "Les deux numéros de téléphone portable saisis ne sont pas identiques.";
    } else if (channel == "email") {
        out.channel = CodeChannel::email;
        out.value = value(f::email);
        if (out.value.empty()) errors[f::email] = "Veuillez saisir votre adresse mail.";
        else if (!looks_like_email_address(out.value))
            errors[f::email] = "L'adresse mail n'est pas valide (exemple : prenom.nom@exemple.fr).";
        else if (lower_ascii(value(f::email_confirmation)) != lower_ascii(out.value))
            errors[f::email_confirmation] = "Les deux adresses mail saisies ne sont pas identiques.";
    } else {
        errors[f::channel] = "Veuillez indiquer votre choix de réception du code de vérification.";
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return out;
}

}  // namespace caf::account::creation
