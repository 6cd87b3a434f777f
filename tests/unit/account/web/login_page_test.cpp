// The "Connexion" page as a person sees it: labelled fields, FranceConnect first, the links of
// SPEC.md §3, the provisional identifier mode without JavaScript, prefilled identifiers.
#include "login_fixture.hpp"

namespace caf::account::test {
namespace {

std::size_t position(const std::string& body, std::string_view text) {
    auto at = body.find(text);
    EXPECT_NE(at, std::string::npos) << "missing: " << text;
    return at;
}

TEST_F(LoginTest, PageHasLabelledFieldsFranceConnectFirstAndTheLinks) {
    auto id = add_interaction();
    auto page = get("/connexion?interaction=" + id);
    ASSERT_EQ(page.status, 200);
    const auto& b = page.body;
    EXPECT_NE(b.find("Je me connecte à Mon Compte"), std::string::npos);
    EXPECT_NE(b.find("pour accéder à caf.fr"), std::string::npos);
    // Labels tied to their inputs, hints announced.
    EXPECT_NE(b.find(R"(<label for="identifiant">Numéro de Sécurité sociale)"), std::string::npos);
    EXPECT_NE(b.find(R"(<span class="hint" id="identifiant-hint">13 caractères, sans la clé</span>)"), std::string::npos);
    EXPECT_NE(b.find(R"(id="identifiant" name="identifiant")"), std::string::npos);
    EXPECT_NE(b.find(R"(aria-describedby="identifiant-hint")"), std::string::npos);
    EXPECT_NE(b.find(R"(<label for="mot_de_passe">Mot de passe</label>)"), std::string::npos);
    EXPECT_NE(b.find(R"(type="password" id="mot_de_passe" name="mot_de_passe")"), std::string::npos);
    EXPECT_NE(b.find(R"(<label for="se_souvenir">Se souvenir de moi)"), std::string::npos);
    EXPECT_NE(b.find(R"(<button type="submit">Se connecter</button>)"), std::string::npos);
    EXPECT_NE(b.find(R"(name="csrf" value=")"), std::string::npos);
    EXPECT_TRUE(set_cookie(page, CsrfGuard::cookie_name).has_value());
    // FranceConnect first, then "OU", then the form.
    auto fc = position(b, R"(<a class="fc-button" href="/franceconnect?interaction=)" + id + "\">");
    auto what = position(b, R"(<a href="https://franceconnect.gouv.fr/" target="_blank" rel="noopener")");
    auto ou = position(b, ">OU</p>");
    auto form = position(b, R"(<form method="post" action="/connexion?interaction=)" + id + "\"");
    EXPECT_LT(fc, what);
    EXPECT_LT(what, ou);
    EXPECT_LT(ou, form);
    EXPECT_NE(b.find("Qu'est-ce que FranceConnect ?</a>"), std::string::npos);
    EXPECT_NE(b.find(">S'identifier avec</span> <span class=\"fc-button-brand\">FranceConnect</span>"), std::string::npos);
    // The links, keeping the interaction.
    EXPECT_NE(b.find(R"(<a href="/mot-de-passe-oublie?interaction=)" + id + "\">Mot de passe oublié ?</a>"), std::string::npos);
    EXPECT_NE(b.find(R"(<a href="/connexion?interaction=)" + id + "&amp;provisoire=1\">J'ai un identifiant provisoire</a>"),
              std::string::npos);
    EXPECT_NE(b.find(R"(Première connexion ? <a href="/creer-mon-compte?interaction=)" + id + "\">Créer Mon Compte</a>"),
              std::string::npos);
    EXPECT_NE(b.find(R"(<script src="/static/identifiant.js" defer></script>)"), std::string::npos);
}

TEST_F(LoginTest, PageWithoutInteractionIsAllowed) {
    auto page = get("/connexion");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find(R"(action="/connexion")"), std::string::npos);
    EXPECT_EQ(page.body.find("pour accéder à"), std::string::npos);
}

TEST_F(LoginTest, ProvisionalModeWorksWithoutJavascript) {
    auto id = add_interaction();
    auto page = get("/connexion?interaction=" + id + "&provisoire=1");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find(R"(<label for="identifiant">Identifiant provisoire)"), std::string::npos);
    EXPECT_NE(page.body.find("P suivi de 8 chiffres"), std::string::npos);
    EXPECT_NE(page.body.find(R"(<input type="hidden" name="provisoire" value="1">)"), std::string::npos);
    EXPECT_NE(page.body.find(R"(<a href="/connexion?interaction=)" + id + "&amp;provisoire=0\">Retour</a>"), std::string::npos);
    EXPECT_NE(page.body.find("Identifiant provisoire oublié ?"), std::string::npos);
    EXPECT_EQ(page.body.find("J'ai un identifiant provisoire"), std::string::npos);
}

TEST_F(LoginTest, UnknownOrExpiredInteractionSaysSoInFrench) {
    auto page = get("/connexion?interaction=nope");
    EXPECT_EQ(page.status, 400);
    EXPECT_NE(page.body.find("Votre demande de connexion a expiré. Retournez sur le site pour recommencer."),
              std::string::npos);
    auto id = add_interaction();
    clock_.advance(std::chrono::seconds{1801});
    EXPECT_EQ(get("/connexion?interaction=" + id).status, 400);
}

TEST_F(LoginTest, LoginHintPrefillsTheIdentifier) {
    auto id = add_interaction({{"client_id", "portal"}, {"client_name", "caf.fr"}, {"login_hint", "163063155508 2"}});
    auto page = get("/connexion?interaction=" + id);
    EXPECT_NE(page.body.find(R"(value="1 63 06 31 555 082")"), std::string::npos);
    auto provisional = add_interaction({{"client_id", "portal"}, {"login_hint", "P33392250"}});
    page = get("/connexion?interaction=" + provisional);
    EXPECT_NE(page.body.find(R"(<label for="identifiant">Identifiant provisoire)"), std::string::npos);
    EXPECT_NE(page.body.find(R"(value="P33392250")"), std::string::npos);
}

TEST_F(LoginTest, ComingSoonPagesAreFrenchAndLeadBack) {
    for (const char* path : {"/franceconnect"}) {
        auto page = get(std::string(path) + "?interaction=abc");
        EXPECT_EQ(page.status, 200) << path;
        EXPECT_NE(page.body.find("Bientôt disponible"), std::string::npos) << path;
        EXPECT_NE(page.body.find(R"(href="/connexion?interaction=abc")"), std::string::npos) << path;
    }
}

TEST_F(LoginTest, StoreAndHashRoutesAreBlocking) {
    for (auto [method, path] : {std::pair{"GET", "/connexion"}, {"POST", "/connexion"}, {"GET", "/mon-compte"},
                                {"POST", "/deconnexion"}}) {
        auto match = router_.find(method, path);
        ASSERT_NE(match.route, nullptr) << method << " " << path;
        EXPECT_EQ(match.route->execution, http::Execution::blocking) << method << " " << path;
    }
}

}  // namespace
}  // namespace caf::account::test
