// "Créer Mon Compte" at handler level (SPEC.md §4): the wizard walked with a real SQLite store,
// a manual clock, a known captcha and the codes read from the notification queue.
#include "creation_fixture.hpp"

#include <regex>
#include <thread>

#include "account/identifiers/nir_agreement.hpp"
#include "account/password/password_policy.hpp"
#include "account/web/login_completion.hpp"
#include "storage/interactions.hpp"

namespace caf::account::test {
namespace {

TEST_F(CreationTest, IntroSaysThreeStepsAndFiveToTenMinutes) {
    auto intro = get("/creer-mon-compte");
    ASSERT_EQ(intro.status, 200);
    EXPECT_TRUE(has(intro, "Pour créer mon espace, 3 étapes et 5 à 10 minutes sont nécessaires"));
    EXPECT_TRUE(has(intro, "Je saisis le code de vérification reçu par SMS ou par mail"));
    EXPECT_TRUE(has(intro, "Commencer"));
}

// Without a configured FranceConnect provider the button would lead nowhere: it is not offered.
TEST_F(CreationTest, IntroOffersNoFranceConnectWithoutTheProvider) {
    ASSERT_TRUE(config_.providers.empty());
    auto intro = get("/creer-mon-compte");
    ASSERT_EQ(intro.status, 200);
    EXPECT_FALSE(has(intro, "/franceconnect")) << intro.body;
    EXPECT_FALSE(has(intro, "S'identifier avec")) << intro.body;
}

TEST_F(CreationTest, WithNirEndToEndCreatesAnAccountThatLogsInWithTheNewPassword) {
    auto page = begin();
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(has(page, "Je possède un numéro de Sécurité sociale ?"));
    ASSERT_TRUE(set_cookie(page, "__Host-caf_creation") || browser_.cookies.contains("__Host-caf_creation"));

    ASSERT_EQ(civil(jean_civil_status()).status, 303);
    auto document = get("/creer-mon-compte/etape");
    EXPECT_TRUE(has(document, "Je sélectionne ma pièce d'identité"));
    ASSERT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
    auto contact = get("/creer-mon-compte/etape");
    EXPECT_TRUE(has(contact, "Envoyer le code"));
    confirm_email("jean.dupont@example.test");
    EXPECT_EQ(account_count(), 0u) << "nothing is stored before the password";

    auto created = choose_password();
    ASSERT_EQ(created.status, 303) << created.body;
    auto recap = get("/creer-mon-compte/etape");
    ASSERT_EQ(recap.status, 200);
    EXPECT_TRUE(has(recap, "Récapitulatif de ma création de compte"));
    EXPECT_TRUE(has(recap, "Mon identifiant : <strong>1 63 06 31 555 082</strong>"));
    EXPECT_TRUE(has(recap, "Nom de naissance : DUPONT"));
    EXPECT_TRUE(has(recap, "Adresse mail : jean.dupont@example.test"));
    EXPECT_TRUE(has(recap, "Accéder à l'accueil"));
    EXPECT_TRUE(has(recap, "Se connecter"));

    const auto id = account_id_of(jean_nir);
    ASSERT_NE(id, 0);
    auto account = storage::Accounts(*db_).find(id);
    EXPECT_TRUE(account->email_verified);
    EXPECT_FALSE(account->documents_required);
    EXPECT_TRUE(account->pivot_lookup.has_value());
    EXPECT_EQ(account->cgu_version, config_.cgu.version);
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].template_name, "notification_account_created");
    EXPECT_EQ(queued[0].recipient, "jean.dupont@example.test");

    browser_ = {};
    auto logged = login(jean_nir, new_password);
    ASSERT_EQ(logged.status, 303);
    EXPECT_EQ(location(logged), after_login_url(std::nullopt));
}

TEST_F(CreationTest, WithoutNirGivesAProvisionalIdentifierThatLogsIn) {
    begin();
    ASSERT_EQ(civil(daniel_civil_status()).status, 303);
    ASSERT_EQ(stage("piece-identite", {{"action", "continuer"}, {"piece_type", "passeport"},
                                       {"piece_numero", "12ab34567"}, {"piece_date", "01/02/2020"}})
                  .status,
              303);
    auto sent = stage("coordonnees", {{"action", "envoyer"}, {"canal", "sms"}, {"telephone", "06 12 34 56 78"},
                                      {"telephone_confirmation", "0612345678"}});
    ASSERT_EQ(sent.status, 303) << sent.body;
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].channel, "sms");
    EXPECT_EQ(queued[0].recipient, "0612345678");
    ASSERT_EQ(stage("coordonnees", {{"action", "valider"}, {"code", queued[0].data["code"].get<std::string>()}}).status, 303);
    ASSERT_EQ(choose_password().status, 303);

    auto recap = get("/creer-mon-compte/etape");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(recap.body, match, std::regex("Mon identifiant : <strong>(P[0-9]{8})</strong>")));
    const std::string provisional = match[1];
    EXPECT_TRUE(has(recap, "Conservez bien cet identifiant"));
    EXPECT_TRUE(has(recap, "Pays de naissance : 99352"));
    EXPECT_TRUE(has(recap, "Prénom(s) du parent 2 : JEANNE"));
    EXPECT_TRUE(has(recap, "Numéro de passeport : 12AB34567"));

    auto confirmation = take_queued();
    ASSERT_EQ(confirmation.size(), 1u);
    EXPECT_EQ(confirmation[0].template_name, "notification_account_created");
    EXPECT_EQ(confirmation[0].data.dump().find(provisional) != std::string::npos, true);

    browser_ = {};
    auto logged = login(provisional, new_password);
    ASSERT_EQ(logged.status, 303) << logged.body;
    EXPECT_EQ(location(logged), after_login_url(std::nullopt));
}

TEST_F(CreationTest, WithoutNirAWrongCaptchaIsRefusedOnItsField) {
    begin();
    auto refused = civil(daniel_civil_status(), "WRONG1");
    ASSERT_EQ(refused.status, 400);
    EXPECT_TRUE(has(refused, "Les caractères saisis ne correspondent pas à l'image."));
    EXPECT_TRUE(has(refused, "value=\"Morvan\"")) << "the form keeps what was typed";
}

TEST_F(CreationTest, WithoutNirParentsNamesAreRequired) {
    begin();
    auto form = daniel_civil_status();
    std::erase_if(form, [](const auto& p) { return p.first.starts_with("parent2"); });
    auto refused = civil(form);
    ASSERT_EQ(refused.status, 400);
    EXPECT_TRUE(has(refused, "Veuillez saisir le nom de naissance du parent 2."));
}

// Each disagreement is shown on its field, with its own message.
TEST_F(CreationTest, NirDisagreementsAreShownOnTheirFields) {
    begin();
    auto form = jean_civil_status();
    for (auto& [k, v] : form) {
        if (k == "civilite") v = "madame";
        if (k == "date_naissance") v = "15/06/1970";
        if (k == "departement_naissance") v = "75";
        if (k == "commune_naissance") v = "75056";
    }
    auto refused = civil(form);
    ASSERT_EQ(refused.status, 400);
    auto on_field = [&](std::string_view id, NirDisagreement d) {
        std::string text(message(d));
        auto pos = refused.body.find("id=\"" + std::string(id) + "\"");
        EXPECT_NE(pos, std::string::npos) << id;
        auto at = refused.body.find(html_escaped(text));
        EXPECT_NE(at, std::string::npos) << text;
        if (pos != std::string::npos && at != std::string::npos) {
            EXPECT_GT(at, pos) << id;
        }
    };
    on_field("civilite-error", NirDisagreement::civility);
    on_field("date_naissance-error", NirDisagreement::birth_year);
    on_field("departement-error", NirDisagreement::birth_place);
}

TEST_F(CreationTest, NirOfSomeoneBornAbroadMustSay99) {
    begin();
    auto form = jean_civil_status();
    std::erase_if(form, [](const auto& p) { return p.first.find("naissance") != std::string::npos && p.first != "nom_naissance" && p.first != "date_naissance"; });
    form.insert(form.end(), {{"lieu_naissance", "etranger"}, {"pays_naissance", "99352"}, {"ville_naissance", "Oran"}});
    auto refused = civil(form);
    ASSERT_EQ(refused.status, 400);
    EXPECT_TRUE(has(refused, std::string(message(NirDisagreement::birth_place))));
    EXPECT_NE(refused.body.find("id=\"pays-error\""), std::string::npos);
}

TEST_F(CreationTest, UnderFifteenIsRefused) {
    begin();
    // The clock is 14 November 2023: born 15 November 2008 is one day short of 15.
    auto form = daniel_civil_status();
    for (auto& [k, v] : form)
        if (k == "date_naissance") v = "15/11/2008";
    auto refused = civil(form);
    ASSERT_EQ(refused.status, 400);
    EXPECT_TRUE(has(refused, "Vous devez avoir au moins 15 ans pour créer votre espace Mon Compte."));

    begin();
    for (auto& [k, v] : form)
        if (k == "date_naissance") v = "14/11/2008";
    EXPECT_EQ(civil(form).status, 303) << "15 today is old enough";
}

TEST_F(CreationTest, NirWithAnAccountSaysSoAndOffersLoginAndRecovery) {
    add_jean();
    begin();
    auto taken = civil(jean_civil_status());
    ASSERT_EQ(taken.status, 409);
    EXPECT_TRUE(has(taken, "Ce numéro de Sécurité sociale a déjà un Espace Mon Compte."));
    EXPECT_TRUE(has(taken, "href=\"/connexion\""));
    EXPECT_TRUE(has(taken, "href=\"/mot-de-passe-oublie\""));
    EXPECT_FALSE(has(taken, "jean.dupont")) << "nothing about the account";
    EXPECT_FALSE(has(taken, "06"));
}

TEST_F(CreationTest, WrongCodeIsRefusedWithTriesLeft) {
    begin();
    ASSERT_EQ(civil(jean_civil_status()).status, 303);
    ASSERT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
    ASSERT_EQ(stage("coordonnees", {{"action", "envoyer"}, {"canal", "email"}, {"email", "a@example.test"},
                                    {"email_confirmation", "a@example.test"}})
                  .status,
              303);
    auto code = take_queued()[0].data["code"].get<std::string>();
    std::string wrong = code;
    wrong[0] = wrong[0] == '9' ? '0' : char(wrong[0] + 1);
    auto refused = stage("coordonnees", {{"action", "valider"}, {"code", wrong}});
    ASSERT_EQ(refused.status, 400);
    EXPECT_TRUE(has(refused, message(CodeVerification{CodeCheck::wrong, 4})));
    EXPECT_TRUE(has(refused, "Demander l'envoi d'un nouveau code"));
    EXPECT_TRUE(has(refused, "Modifier mes coordonnées de contact"));
    EXPECT_EQ(stage("coordonnees", {{"action", "valider"}, {"code", code}}).status, 303);
}

TEST_F(CreationTest, ExpiredMailCodeIsRefusedAndANewOneWorks) {
    begin();
    ASSERT_EQ(civil(jean_civil_status()).status, 303);
    ASSERT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
    ASSERT_EQ(stage("coordonnees", {{"action", "envoyer"}, {"canal", "email"}, {"email", "a@example.test"},
                                    {"email_confirmation", "a@example.test"}})
                  .status,
              303);
    auto code = take_queued()[0].data["code"].get<std::string>();
    clock_.advance(std::chrono::minutes(16));
    auto refused = stage("coordonnees", {{"action", "valider"}, {"code", code}});
    ASSERT_EQ(refused.status, 400);
    EXPECT_TRUE(has(refused, message(CodeVerification{CodeCheck::expired, 0})));

    auto resent = stage("coordonnees", {{"action", "nouveau-code"}});
    ASSERT_EQ(resent.status, 200) << resent.body;
    // The queue hands the first message again once its claim lapsed (16 minutes): the new code is the last one.
    auto fresh = take_queued();
    ASSERT_FALSE(fresh.empty());
    auto new_code = fresh.back().data["code"].get<std::string>();
    EXPECT_NE(new_code, code);
    EXPECT_EQ(stage("coordonnees", {{"action", "valider"}, {"code", new_code}}).status, 303);
}

TEST_F(CreationTest, ContactTypedTwiceMustMatchAndMobileStartsWith06Or07) {
    begin();
    ASSERT_EQ(civil(jean_civil_status()).status, 303);
    ASSERT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
    auto landline = stage("coordonnees", {{"action", "envoyer"}, {"canal", "sms"}, {"telephone", "0112345678"},
                                          {"telephone_confirmation", "0112345678"}});
    ASSERT_EQ(landline.status, 400);
    EXPECT_TRUE(has(landline, "commencer par 06 ou 07"));
    auto mismatch = stage("coordonnees", {{"action", "envoyer"}, {"canal", "email"}, {"email", "a@example.test"},
                                          {"email_confirmation", "b@example.test"}});
    ASSERT_EQ(mismatch.status, 400);
    EXPECT_TRUE(has(mismatch, "Les deux adresses mail saisies ne sont pas identiques."));
    EXPECT_TRUE(take_queued().empty());
}

TEST_F(CreationTest, AbandonedWizardLeavesNoAccountOnlyAnExpiredDraft) {
    jean_up_to_password();
    clock_.advance(std::chrono::hours(2));
    auto expired = get("/creer-mon-compte/etape");
    EXPECT_EQ(expired.status, 400);
    EXPECT_TRUE(has(expired, "Création de compte expirée"));
    EXPECT_EQ(choose_password().status, 400);
    EXPECT_EQ(account_id_of(jean_nir), 0);
    EXPECT_EQ(account_count(), 0u);
}

TEST_F(CreationTest, QuitDropsTheDraft) {
    jean_up_to_password();
    auto quit = post("/creer-mon-compte/quitter", {}, "creation");
    EXPECT_EQ(quit.status, 303);
    EXPECT_EQ(location(quit), "/connexion");
    EXPECT_EQ(get("/creer-mon-compte/etape").status, 400);
    EXPECT_EQ(account_count(), 0u);
}

TEST_F(CreationTest, PasswordPolicyAndCguAreCheckedBeforeAnythingIsStored) {
    jean_up_to_password();
    auto weak = stage("mot-de-passe", {{"nouveau_mot_de_passe", "court1A"}, {"confirmation", "court1A"}, {"accepte_cgu", "1"}});
    ASSERT_EQ(weak.status, 400);
    EXPECT_TRUE(has(weak, std::string(message(PasswordRule::length))));
    auto no_cgu = stage("mot-de-passe", {{"nouveau_mot_de_passe", new_password}, {"confirmation", new_password}});
    ASSERT_EQ(no_cgu.status, 400);
    EXPECT_EQ(account_count(), 0u);
}

TEST_F(CreationTest, WithoutNirTheIdentityDocumentIsRequiredOrDeclaredMissing) {
    begin();
    ASSERT_EQ(civil(daniel_civil_status()).status, 303);
    auto empty = stage("piece-identite", {{"action", "continuer"}});
    ASSERT_EQ(empty.status, 400);
    EXPECT_TRUE(has(empty, "Veuillez sélectionner votre pièce d'identité."));

    auto warning = stage("piece-identite", {{"action", "sans-piece"}});
    ASSERT_EQ(warning.status, 200);
    EXPECT_TRUE(has(warning, "Attention, si vous déclarez ne pas posséder une pièce d'identité délivrée par les "
                             "autorités françaises, vous devrez fournir les justificatifs nécessaires au traitement "
                             "de vos demandes."));
    ASSERT_EQ(stage("piece-identite", {{"action", "confirmer-sans-piece"}}).status, 303);
    confirm_email("daniel.morvan@example.test");
    ASSERT_EQ(choose_password().status, 303);
    auto recap = get("/creer-mon-compte/etape");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(recap.body, match, std::regex("(P[0-9]{8})")));
    auto account = storage::Accounts(*db_).find_by_provisional_id(match[1]);
    ASSERT_TRUE(account);
    EXPECT_TRUE(account->documents_required);
}

TEST_F(CreationTest, IdentityDocumentIssuedInTheFutureOrBeforeBirthIsRefusedOnTheDate) {
    begin();
    ASSERT_EQ(civil(jean_civil_status()).status, 303);
    auto future = stage("piece-identite", {{"action", "continuer"}, {"piece_type", "cni"},
                                           {"piece_numero", "880692310285"}, {"piece_date", "01/01/2030"}});
    ASSERT_EQ(future.status, 400);
    EXPECT_TRUE(has(future, "La date de délivrance ne peut pas être dans le futur."));
    auto before_birth = stage("piece-identite", {{"action", "continuer"}, {"piece_type", "cni"},
                                                 {"piece_numero", "880692310285"}, {"piece_date", "01/01/1960"}});
    ASSERT_EQ(before_birth.status, 400);
    EXPECT_TRUE(has(before_birth, "antérieure à votre date de naissance"));
    auto titre = stage("piece-identite", {{"action", "continuer"}, {"piece_type", "titre-sejour"},
                                          {"piece_numero", "12345"}, {"piece_date", "01/01/2020"}});
    ASSERT_EQ(titre.status, 400);
    EXPECT_TRUE(has(titre, "Le numéro de titre de séjour comporte 10 chiffres."));
}

TEST_F(CreationTest, PromptCreateEndsLoggedInAndCompletesTheInteraction) {
    const auto interaction = add_interaction();
    begin(interaction);
    ASSERT_EQ(civil(jean_civil_status()).status, 303);
    ASSERT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
    confirm_email("jean.dupont@example.test");
    auto done = choose_password();
    ASSERT_EQ(done.status, 303) << done.body;
    EXPECT_EQ(location(done), login::resume_url(interaction));
    EXPECT_TRUE(set_cookie(done, "__Host-caf_session").has_value() || done.headers.get("Set-Cookie").has_value());
    auto stored = storage::Interactions(*db_).find(login::digest(interaction), to_unix_seconds(clock_.now()));
    ASSERT_TRUE(stored);
    ASSERT_TRUE(stored->result.has_value());
    auto result = login::login_result_from_json(*stored->result);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->account_id, account_id_of(jean_nir));
}

// Two browsers create the same NIR at once: one account, the other is told the number has one.
TEST_F(CreationTest, TwoConcurrentCreationsOfOneNirMakeExactlyOneAccount) {
    jean_up_to_password();
    Browser first = browser_;
    browser_ = {};
    jean_up_to_password();
    Browser second = browser_;

    auto request_for = [&](Browser& browser) {
        http::Request r;
        r.method = "POST";
        r.target = r.path = "/creer-mon-compte/etape";
        r.secure = true;
        r.headers.set("Cookie", browser.header());
        http::Params form{{"etape", "mot-de-passe"}, {"nouveau_mot_de_passe", new_password},
                          {"confirmation", new_password}, {"accepte_cgu", "1"},
                          {std::string(CsrfGuard::field_name), csrf_.issue(r, "creation").token}};
        r.headers.set("Content-Type", "application/x-www-form-urlencoded");
        r.body = http::encode_params(form);
        return r;
    };
    auto a = request_for(first), b = request_for(second);
    auto* route = router_.find("POST", "/creer-mon-compte/etape").route;
    ASSERT_NE(route, nullptr);
    http::Response ra, rb;
    {
        std::jthread ta([&] { ra = route->handler(a); });
        std::jthread tb([&] { rb = route->handler(b); });
    }
    std::vector<int> statuses{ra.status, rb.status};
    std::sort(statuses.begin(), statuses.end());
    EXPECT_EQ(statuses, (std::vector<int>{303, 409}));
    auto& loser = ra.status == 409 ? ra : rb;
    EXPECT_TRUE(has(loser, "Ce numéro de Sécurité sociale a déjà un Espace Mon Compte."));
    EXPECT_EQ(account_count(), 1u);
    EXPECT_NE(account_id_of(jean_nir), 0);
}

// Step 1 says whether a NIR has an account: no answer without the captcha, and a budget per
// address, so it cannot be used to list who has an account.
TEST_F(CreationTest, WithNirAWrongCaptchaIsRefusedBeforeSayingWhetherTheNirHasAnAccount) {
    add_jean();
    begin();
    auto refused = civil(jean_civil_status(), "WRONG1");
    EXPECT_EQ(refused.status, 400);
    EXPECT_TRUE(has(refused, "Les caractères saisis ne correspondent pas à l'image."));
    EXPECT_FALSE(has(refused, "a déjà un Espace Mon Compte"));
}

TEST_F(CreationTest, StepOneFromOneAddressIsLimitedPerHour) {
    add_jean();
    const auto limit = CreationLimits{}.civil_status_per_address;
    for (std::int64_t i = 0; i < limit; ++i) {
        begin();
        ASSERT_EQ(civil(jean_civil_status()).status, 409) << "attempt " << i;
    }
    begin();
    auto refused = civil(jean_civil_status());
    EXPECT_EQ(refused.status, 429);
    EXPECT_TRUE(has(refused, "Trop de demandes. Pour votre sécurité, réessayez dans 60 minutes."));
    EXPECT_FALSE(has(refused, "a déjà un Espace Mon Compte"));
    EXPECT_TRUE(refused.headers.get("Retry-After").has_value());
    clock_.advance(std::chrono::hours(1));
    begin();
    EXPECT_EQ(civil(jean_civil_status()).status, 409);
}

// Each draft has its own resend budget: the limits that stop SMS pumping and mail bombing hold
// across drafts, per destination and per address.
TEST_F(CreationTest, CodesToOneDestinationAreLimitedAcrossDrafts) {
    const auto limit = CreationLimits{}.codes_per_destination;
    for (std::int64_t i = 0; i < limit; ++i) ASSERT_EQ(send_in_new_draft("victime@example.test").status, 303) << i;
    EXPECT_EQ(take_queued().size(), static_cast<std::size_t>(limit));
    auto refused = send_in_new_draft("victime@example.test");
    EXPECT_EQ(refused.status, 429);
    EXPECT_TRUE(has(refused, "Trop de demandes. Pour votre sécurité, réessayez dans"));
    EXPECT_TRUE(take_queued().empty()) << "nothing sent";
    // Another destination from the same address still gets its code.
    EXPECT_EQ(send_in_new_draft("autre@example.test").status, 303);
    EXPECT_EQ(take_queued().size(), 1u);
}

TEST_F(CreationTest, ARefusedTooSoonResendDoesNotSpendTheDestinationsBudget) {
    const auto limit = CreationLimits{}.codes_per_destination;
    ASSERT_EQ(send_in_new_draft("jean.dupont@example.test").status, 303);
    for (int i = 0; i < 10; ++i) {
        auto too_soon = stage("coordonnees", {{"action", "nouveau-code"}});
        EXPECT_EQ(too_soon.status, 429);
        EXPECT_FALSE(has(too_soon, "Trop de demandes. Pour votre sécurité")) << "the code service's own answer";
    }
    for (std::int64_t i = 1; i < limit; ++i) EXPECT_EQ(send_in_new_draft("jean.dupont@example.test").status, 303) << i;
}

TEST_F(CreationTest, CodesFromOneAddressAreLimitedAcrossDrafts) {
    const auto limit = CreationLimits{}.codes_per_address;
    auto send_sms = [&](int i) {
        begin();
        EXPECT_EQ(civil(jean_civil_status()).status, 303);
        EXPECT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
        const std::string phone = "06000001" + std::string(i < 10 ? "0" : "") + std::to_string(i);
        return stage("coordonnees", {{"action", "envoyer"}, {"canal", "sms"}, {"telephone", phone},
                                     {"telephone_confirmation", phone}});
    };
    for (int i = 0; i < limit; ++i) ASSERT_EQ(send_sms(i).status, 303) << i;
    take_queued();
    auto refused = send_sms(static_cast<int>(limit));
    EXPECT_EQ(refused.status, 429);
    EXPECT_TRUE(take_queued().empty());
}

}  // namespace
}  // namespace caf::account::test
