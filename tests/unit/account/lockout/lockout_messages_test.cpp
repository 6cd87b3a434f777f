// The French lockout messages of SPEC.md §3.
#include "account/lockout/lockout_messages.hpp"

#include <gtest/gtest.h>

namespace caf::account {
namespace {

using namespace std::chrono_literals;

TEST(LockoutMessages, WrongCredentialsMessageIsTheProductWording) {
    EXPECT_EQ(wrong_credentials_message(2),
              "Vos numéro de Sécurité sociale et/ou mot de passe sont incorrects. Veuillez "
              "vérifier vos informations saisies. Il vous reste 2 tentatives. Attention : au 5e "
              "échec, votre compte sera bloqué.");
}

TEST(LockoutMessages, OneAttemptLeftIsSingular) {
    EXPECT_NE(wrong_credentials_message(1).find("Il vous reste 1 tentative. "), std::string::npos);
}

TEST(LockoutMessages, ProvisionalIdentifierLoginNamesIt) {
    EXPECT_EQ(wrong_credentials_message(4, 5, LoginIdentifierKind::provisional_id)
                  .rfind("Vos identifiant provisoire et/ou mot de passe sont incorrects.", 0),
              0u);
}

TEST(LockoutMessages, FrozenMessageSaysTheRemainingMinutes) {
    EXPECT_EQ(frozen_message(13min),
              "Votre connexion a échoué. Vous ne pouvez pas accéder à votre compte pendant 13 "
              "minutes.");
}

TEST(LockoutMessages, FrozenMessageRoundsUp) {
    EXPECT_NE(frozen_message(12min + 1s).find("pendant 13 minutes."), std::string::npos);
    EXPECT_NE(frozen_message(1s).find("pendant 1 minute."), std::string::npos);
}

TEST(LockoutMessages, LongFreezesAreStillSaidInMinutes) {
    EXPECT_NE(frozen_message(24h).find("pendant 1440 minutes."), std::string::npos);
}

}  // namespace
}  // namespace caf::account
