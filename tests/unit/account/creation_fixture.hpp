// Account creation tests' world: the security fixture (KnownCaptcha, real verification codes, the
// notification queue) plus the creation routes, and helpers that walk the wizard.
#pragma once

#include "security_fixture.hpp"

#include "account/web/creation_routes.hpp"

namespace caf::account::test {

inline http::Params jean_civil_status() {
    return {{"possede_nir", "oui"},          {"nir", jean_nir},           {"civilite", "monsieur"},
            {"nom_naissance", "Dupont"},     {"prenoms", "Jean"},         {"date_naissance", "15/06/1963"},
            {"lieu_naissance", "france"},    {"departement_naissance", "31"}, {"commune_naissance", "31555"},
            {"reside_france", "oui"},        {"code_postal", "31000"}};
}

// Born abroad (Oran, Algérie), no NIR: the provisional identifier path of the webinar.
inline http::Params daniel_civil_status() {
    return {{"possede_nir", "non"},          {"civilite", "monsieur"},     {"nom_naissance", "Morvan"},
            {"prenoms", "Daniel"},           {"date_naissance", "09/09/1962"}, {"lieu_naissance", "etranger"},
            {"pays_naissance", "99352"},     {"ville_naissance", "Oran"},   {"parent1_nom", "Morvan"},
            {"parent1_prenoms", "Jean"},     {"parent2_nom", "Morvan"},     {"parent2_prenoms", "Jeanne"},
            {"reside_france", "non"}};
}

inline constexpr const char* new_password = "Nouveau2024Mdp";

class CreationTest : public SecurityTest {
protected:
    void SetUp() override {
        SecurityTest::SetUp();
        register_creation_routes(router_, *context_);
    }

    // "Commencer" on the intro (with an interaction when given); lands on the état civil page.
    http::Response begin(const std::optional<std::string>& interaction = std::nullopt) {
        get(interaction ? "/creer-mon-compte?interaction=" + *interaction : "/creer-mon-compte");
        http::Params form;
        if (interaction) form.emplace_back("interaction", *interaction);
        auto started = post("/creer-mon-compte", form, "creation");
        EXPECT_EQ(started.status, 303);
        EXPECT_EQ(location(started), "/creer-mon-compte/etape");
        return get("/creer-mon-compte/etape");
    }

    http::Response stage(const std::string& name, http::Params form) {
        form.emplace_back("etape", name);
        return post("/creer-mon-compte/etape", form, "creation");
    }

    // The état civil posted with the captcha of the page last shown answered.
    http::Response civil(http::Params form, std::string answer = std::string(KnownCaptcha::answer)) {
        form.emplace_back("captcha_id", captcha_.last_id());
        form.emplace_back("captcha", answer);
        return stage("etat-civil", form);
    }

    // The contact sent and confirmed with the code read from the queue.
    void confirm_email(const std::string& email) {
        auto sent = stage("coordonnees",
                          {{"action", "envoyer"}, {"canal", "email"}, {"email", email}, {"email_confirmation", email}});
        ASSERT_EQ(sent.status, 303) << sent.body;
        auto queued = take_queued();
        ASSERT_EQ(queued.size(), 1u);
        ASSERT_EQ(queued[0].template_name, "notification_code");
        auto valid = stage("coordonnees", {{"action", "valider"}, {"code", queued[0].data["code"].get<std::string>()}});
        ASSERT_EQ(valid.status, 303) << valid.body;
    }

    // A new draft with Jean's état civil, up to "Envoyer le code" to `email`.
    http::Response send_in_new_draft(const std::string& email) {
        begin();
        EXPECT_EQ(civil(jean_civil_status()).status, 303);
        EXPECT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
        return stage("coordonnees",
                     {{"action", "envoyer"}, {"canal", "email"}, {"email", email}, {"email_confirmation", email}});
    }

    http::Response choose_password(const std::string& password = new_password) {
        return stage("mot-de-passe", {{"nouveau_mot_de_passe", password}, {"confirmation", password}, {"accepte_cgu", "1"}});
    }

    // The whole wizard with Jean's état civil, up to the password page.
    void jean_up_to_password() {
        begin();
        ASSERT_EQ(civil(jean_civil_status()).status, 303);
        ASSERT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
        confirm_email("jean.dupont@example.test");
    }

    // Accounts in the store (ids are small in a fresh test database).
    std::size_t account_count() {
        std::size_t n = 0;
        storage::Accounts accounts(*db_);
        for (std::int64_t id = 1; id < 50; ++id)
            if (accounts.find(id)) ++n;
        return n;
    }
};

}  // namespace caf::account::test
