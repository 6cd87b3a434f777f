// The two French messages of the login lockout (SPEC.md §3), worded as on caf.fr.
#pragma once

#include <chrono>
#include <string>

namespace caf::account {

// Which identifier the login form held: the message names it.
enum class LoginIdentifierKind { nir, provisional_id };

// "Vos numéro de Sécurité sociale et/ou mot de passe sont incorrects. Veuillez vérifier vos
// informations saisies. Il vous reste N tentatives. Attention : au 5e échec, votre compte sera
// bloqué." — the same whether or not the identifier has an account.
std::string wrong_credentials_message(int attempts_left, int freeze_after_failures = 5,
                                      LoginIdentifierKind kind = LoginIdentifierKind::nir);

// "Votre connexion a échoué. Vous ne pouvez pas accéder à votre compte pendant N minutes." The
// remaining time is rounded up to the minute and always said in minutes, as in the webinar
// ("pendant 13 minutes"); nothing in the sources shows hours.
std::string frozen_message(std::chrono::seconds remaining);

}  // namespace caf::account
