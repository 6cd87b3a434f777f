// Wording of the lockout messages, with French singulars.
#include "account/lockout/lockout_messages.hpp"

#include <algorithm>

namespace caf::account {

std::string wrong_credentials_message(int attempts_left, int freeze_after_failures,
                                      LoginIdentifierKind kind) {
    const int n = std::max(attempts_left, 1);
    std::string out = kind == LoginIdentifierKind::nir
                          ? "Vos numéro de Sécurité sociale et/ou mot de passe sont incorrects. "
                          : "Vos identifiant provisoire et/ou mot de passe sont incorrects. ";
    out += "Veuillez vérifier vos informations saisies. Il vous reste ";
    out += std::to_string(n);
    out += n == 1 ? " tentative." : " tentatives.";
    out += " Attention : au ";
    out += std::to_string(freeze_after_failures);
    out += freeze_after_failures == 1 ? "er" : "e";
    out += " échec, votre compte sera bloqué.";
    return out;
}

std::string frozen_message(std::chrono::seconds remaining) {
    const auto minutes =
        std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::minutes>(remaining).count());
    std::string out =
        "Votre connexion a échoué. Vous ne pouvez pas accéder à votre compte pendant ";
    out += std::to_string(minutes);
    out += minutes == 1 ? " minute." : " minutes.";
    return out;
}

}  // namespace caf::account
