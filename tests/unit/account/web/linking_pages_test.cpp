// SPEC.md §8 step 3 and 4 through the routes, as a browser would go: the choice page after a
// provider identity matched no account, "J'ai déjà un compte", the prefilled creation, and the
// unlink from "Gérer Mon Compte".
#include "creation_fixture.hpp"

#include "account/linking/external_links.hpp"
#include "account/linking/pending_external_identity.hpp"
#include "account/lockout/lockout_messages.hpp"
#include "account/web/linking_routes.hpp"
#include "storage/audit_log.hpp"
#include "storage/external_links.hpp"

namespace caf::account::test {
namespace {

const std::string fc_sub = std::string(64, 'a') + "v1";
constexpr const char* claire_nir = "2800275056123";  // 2 80 02 75 056 123: Madame, Paris, février 1980

class LinkingRoutesTest : public CreationTest {
protected:
    void SetUp() override {
        CreationTest::SetUp();
        config::ProviderConfig fc;
        fc.name = "franceconnect";
        fc.label = "FranceConnect";
        config_.providers.push_back(fc);
        register_linking_routes(router_, *context_);
    }

    // What the provider callback leaves behind when no account matched.
    void arrive_from_provider(const PersonRecord& person, const std::optional<std::string>& interaction = std::nullopt,
                              std::optional<std::string> email = std::nullopt) {
        linking::PendingExternalIdentity p;
        p.provider = "franceconnect";
        p.provider_label = "FranceConnect";
        p.subject = fc_sub;
        p.person = person;
        p.email = std::move(email);
        p.acr = "eidas1";
        p.amr = {"fc", "pwd"};
        p.id_token = "eyJhbGciOiJFUzI1NiJ9.fc-id-token.sig";
        p.interaction_id = interaction;
        if (interaction) p.client_id = "portal";
        http::Response r;
        r.headers.add("Set-Cookie", linking::PendingExternalIdentities(*db_, random_, std::chrono::minutes(30))
                                        .start(p, clock_.now()));
        browser_.receive(r);
    }

    static PersonRecord jean_pivot() { return {"Monsieur", "DUPONT", "Jean", "", "1963-06-15", "31555", "99100"}; }
    static PersonRecord claire_pivot() { return {"Madame", "MARTIN", "Claire Anne", "", "1980-02-29", "75056", "99100"}; }

    std::vector<storage::ExternalLink> links_of(std::int64_t account) {
        return storage::ExternalLinks(*db_).list_of_account(account);
    }
    std::vector<storage::AuditEntry> audit(const std::string& action) {
        storage::AuditQuery q;
        q.action = action;
        return storage::AuditLog(*db_).list(q);
    }
    std::optional<storage::Session> session() {
        auto it = browser_.cookies.find(std::string(login::session_cookie));
        if (it == browser_.cookies.end()) return std::nullopt;
        return storage::Sessions(*db_).find_active(login::digest(it->second), to_unix_seconds(clock_.now()));
    }
    bool pending_identity_cookie() const { return browser_.cookies.contains(std::string(linking::cookie_name)); }
};

TEST_F(LinkingRoutesTest, TheChoicePageNeedsAPendingIdentity) {
    auto none = get("/connexion/rattacher");
    EXPECT_EQ(none.status, 303);
    EXPECT_EQ(location(none), "/connexion");

    arrive_from_provider(claire_pivot());
    auto page = get("/connexion/rattacher");
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_TRUE(has(page, "Nous n'avons pas trouvé de compte Caf correspondant à votre identité FranceConnect."));
    EXPECT_TRUE(has(page, "MARTIN"));
    EXPECT_TRUE(has(page, "Claire Anne"));
    EXPECT_TRUE(has(page, "29/02/1980"));
    EXPECT_TRUE(has(page, "J'ai déjà un compte"));
    EXPECT_TRUE(has(page, "Créer mon compte"));
    EXPECT_EQ(page.headers.get("Cache-Control").value_or(""), "no-store");

    // A forged or foreign cookie is no pending identity.
    browser_.cookies[std::string(linking::cookie_name)] = std::string(43, 'z');
    EXPECT_EQ(get("/connexion/rattacher").status, 303);
}

// SPEC.md §8: the creation page offers FranceConnect first too, keeping the client's interaction.
TEST_F(LinkingRoutesTest, TheCreationPageOffersFranceConnectFirst) {
    auto interaction = add_interaction();
    auto page = get("/creer-mon-compte?interaction=" + interaction);
    ASSERT_EQ(page.status, 200) << page.body;
    const auto link = page.body.find("href=\"/franceconnect?interaction=" + interaction + "\"");
    ASSERT_NE(link, std::string::npos) << page.body;
    EXPECT_TRUE(has(page, "S'identifier avec"));
    EXPECT_TRUE(has(page, "Qu'est-ce que FranceConnect ?"));
    const auto separator = page.body.find(">OU<");
    const auto start_form = page.body.find("Commencer");
    EXPECT_LT(link, separator);
    EXPECT_LT(separator, start_form);

    // The login page shows the very same block (one partial).
    auto login_page = get("/connexion?interaction=" + interaction);
    const auto block = [](const std::string& body) {
        auto from = body.find("<section class=\"franceconnect\"");
        return body.substr(from, body.find(">OU<", from) - from);
    };
    EXPECT_EQ(block(login_page.body), block(page.body));
}

TEST_F(LinkingRoutesTest, AWrongPasswordSaysWhatTheLoginSaysAndLinksNothing) {
    auto jean = add_jean();
    arrive_from_provider(jean_pivot());
    auto wrong = post("/connexion/rattacher", {{"identifiant", jean_nir}, {"mot_de_passe", "PasLeBon2024"}}, "linking");
    EXPECT_EQ(wrong.status, 400);
    EXPECT_TRUE(has(wrong, wrong_credentials_message(4)));
    EXPECT_TRUE(links_of(jean).empty());
    EXPECT_FALSE(session());

    // The same counter as the login page: its next failure says one attempt fewer.
    auto login_page = login(jean_nir, "PasLeBon2024");
    EXPECT_TRUE(has(login_page, wrong_credentials_message(3)));

    // Without the CSRF token, nothing is attempted.
    auto forged = post("/connexion/rattacher", {{"identifiant", jean_nir}, {"mot_de_passe", jean_password}}, "linking",
                       false);
    EXPECT_EQ(forged.status, 403);
    EXPECT_TRUE(links_of(jean).empty());
}

// A password alone must not tie someone else's identity to an account: the pivot must agree
// with the account's état civil.
TEST_F(LinkingRoutesTest, TheRightPasswordOfAnAccountWithAnotherEtatCivilLinksNothing) {
    auto jean = add_jean();
    auto interaction = add_interaction();
    arrive_from_provider(claire_pivot(), interaction);

    auto refused = post("/connexion/rattacher", {{"identifiant", jean_nir}, {"mot_de_passe", jean_password}}, "linking");
    EXPECT_EQ(refused.status, 409);
    EXPECT_TRUE(has(refused, "Association impossible"));
    EXPECT_TRUE(has(refused, "ne correspond pas à l'état civil de ce compte Caf"));
    EXPECT_TRUE(links_of(jean).empty());
    EXPECT_FALSE(session());
    EXPECT_TRUE(take_queued().empty());
    auto audited = audit("external_link.refused");
    ASSERT_EQ(audited.size(), 1u);
    EXPECT_EQ(audited[0].details["reason"], "pivot_mismatch");
    EXPECT_EQ(audited[0].account_id, jean);
}

TEST_F(LinkingRoutesTest, TheRightPasswordLinksAndLogsInThroughTheProvider) {
    auto jean = add_jean();
    auto interaction = add_interaction();
    PersonRecord written = jean_pivot();  // the provider's spelling: the same under normalisation
    written.birth_name = "Dupont";
    arrive_from_provider(written, interaction);

    auto linked = post("/connexion/rattacher", {{"identifiant", jean_nir}, {"mot_de_passe", jean_password}}, "linking");
    ASSERT_EQ(linked.status, 303) << linked.body;
    // The owner is told, in case it was not them.
    auto queued = take_queued();
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(queued[0].template_name, "notification_external_link");
    EXPECT_EQ(queued[0].data["provider"], "FranceConnect");
    EXPECT_EQ(location(linked), "/connexion/rattacher/associe?interaction=" + interaction + "&fournisseur=franceconnect");
    EXPECT_FALSE(pending_identity_cookie());

    auto links = links_of(jean);
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].provider, "franceconnect");
    EXPECT_EQ(links[0].subject, fc_sub);
    auto created = audit("external_link.created");
    ASSERT_EQ(created.size(), 1u);
    EXPECT_EQ(created[0].details["how"], "password");
    EXPECT_EQ(created[0].details.dump().find(jean_nir), std::string::npos);

    auto s = session();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->account_id, jean);
    EXPECT_EQ(s->upstream_provider, "franceconnect");
    EXPECT_EQ(s->upstream_id_token, "eyJhbGciOiJFUzI1NiJ9.fc-id-token.sig");
    auto done = storage::Interactions(*db_).find(login::digest(interaction), to_unix_seconds(clock_.now()));
    ASSERT_TRUE(done && done->result);
    EXPECT_EQ((*done->result)["acr"], "eidas1");

    auto told = get(location(linked));
    EXPECT_TRUE(has(told, "Votre identité FranceConnect est maintenant associée à votre compte."));
    EXPECT_TRUE(has(told, login::resume_url(interaction)));

    // Single use: the choice is gone, and the next provider login is a known link.
    EXPECT_EQ(get("/connexion/rattacher").status, 303);
    auto again = linking::resolve_external_identity(*db_, protector_, {"franceconnect", fc_sub, claire_pivot(), {}},
                                                    to_unix_seconds(clock_.now()));
    EXPECT_EQ(again.resolution, linking::Resolution::known_link);
    EXPECT_EQ(again.account_id, jean);
}

TEST_F(LinkingRoutesTest, PendingStepsComeBeforeTheSessionAndKeepTheProvider) {
    config_.cgu.version = "2025-01";  // Jean accepted 2024-03: the CGU step is pending
    auto jean = add_jean();
    arrive_from_provider(jean_pivot());
    auto linked = post("/connexion/rattacher", {{"identifiant", jean_nir}, {"mot_de_passe", jean_password}}, "linking");
    ASSERT_EQ(linked.status, 303) << linked.body;
    EXPECT_EQ(links_of(jean).size(), 1u);
    EXPECT_FALSE(session());
    auto told = get(location(linked));
    EXPECT_TRUE(has(told, "/connexion/etapes"));

    auto cgu = step("cgu", {{"accepte_cgu", "1"}});
    ASSERT_EQ(cgu.status, 303) << cgu.body;
    auto s = session();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->upstream_provider, "franceconnect");
}

TEST_F(LinkingRoutesTest, ThePrefilledCreationLocksThePivotWhateverTheFormSends) {
    arrive_from_provider(claire_pivot(), std::nullopt, "claire.martin@example.test");
    auto started = post("/connexion/rattacher/creer", {}, "linking");
    ASSERT_EQ(started.status, 303) << started.body;
    EXPECT_EQ(location(started), "/creer-mon-compte/etape");

    auto civil_page = get("/creer-mon-compte/etape");
    ASSERT_EQ(civil_page.status, 200);
    EXPECT_TRUE(has(civil_page, "Transmis par FranceConnect"));
    EXPECT_TRUE(has(civil_page, "MARTIN"));
    EXPECT_EQ(civil_page.body.find("name=\"nom_naissance\""), std::string::npos) << "locked: no field to type in";
    EXPECT_EQ(civil_page.body.find("name=\"captcha\""), std::string::npos);

    auto civil = stage("etat-civil", {{"possede_nir", "oui"},         {"nir", claire_nir},
                                      {"civilite", "monsieur"},       {"nom_naissance", "Imposteur"},
                                      {"prenoms", "Pierre"},          {"date_naissance", "01/01/1990"},
                                      {"lieu_naissance", "etranger"}, {"pays_naissance", "99352"},
                                      {"reside_france", "oui"},       {"code_postal", "75011"}});
    ASSERT_EQ(civil.status, 303) << civil.body;
    ASSERT_EQ(stage("piece-identite", {{"action", "continuer"}}).status, 303);
    auto contact = get("/creer-mon-compte/etape");
    EXPECT_TRUE(has(contact, "value=\"claire.martin@example.test\""));
    confirm_email("claire.martin@example.test");
    auto done = choose_password();
    ASSERT_EQ(done.status, 303) << done.body;
    EXPECT_EQ(location(done), "/mon-compte");
    EXPECT_FALSE(pending_identity_cookie());

    auto id = account_id_of(claire_nir);
    ASSERT_NE(id, 0);
    auto account = storage::Accounts(*db_).find(id);
    auto civil_status = nlohmann::json::parse(*protector_.open(PersonalDataKind::civil_status, *account->civil_status_sealed));
    EXPECT_EQ(civil_status["birth_name"], "MARTIN");
    EXPECT_EQ(civil_status["first_names"], "Claire Anne");
    EXPECT_EQ(civil_status["birth_date"], "1980-02-29");
    EXPECT_EQ(civil_status["civilite"], "Madame");
    EXPECT_EQ(civil_status["birth_place"], "75056");

    auto links = links_of(id);
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].subject, fc_sub);
    EXPECT_EQ(audit("external_link.created").at(0).details["how"], "creation");
    auto s = session();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->account_id, id);
    EXPECT_EQ(s->upstream_provider, "franceconnect");
    EXPECT_EQ(get("/connexion/rattacher").status, 303) << "the pending identity is used up";
}

TEST_F(LinkingRoutesTest, AMismatchingNirIsSaidOnTheNirField) {
    arrive_from_provider(claire_pivot());
    ASSERT_EQ(post("/connexion/rattacher/creer", {}, "linking").status, 303);
    auto civil = stage("etat-civil", {{"possede_nir", "oui"}, {"nir", jean_nir}, {"reside_france", "oui"},
                                      {"code_postal", "75011"}});
    EXPECT_EQ(civil.status, 400);
    EXPECT_TRUE(has(civil, "Ce numéro de Sécurité sociale ne correspond pas à l'état civil transmis par FranceConnect."));
}

TEST_F(LinkingRoutesTest, TheOwnerUnlinksFromGererMonCompte) {
    auto jean = add_jean();
    arrive_from_provider(jean_pivot());
    ASSERT_EQ(post("/connexion/rattacher", {{"identifiant", jean_nir}, {"mot_de_passe", jean_password}}, "linking").status,
              303);
    auto home = get("/mon-compte");
    ASSERT_EQ(home.status, 200);
    EXPECT_TRUE(has(home, "Connexion avec FranceConnect"));
    EXPECT_TRUE(has(home, "Dissocier"));

    auto confirm = get("/mon-compte/connexion-externe/dissocier?fournisseur=franceconnect");
    ASSERT_EQ(confirm.status, 200);
    auto forged = post("/mon-compte/connexion-externe/dissocier", {{"fournisseur", "franceconnect"}}, "external-unlink",
                       false);
    EXPECT_EQ(forged.status, 403);
    EXPECT_EQ(links_of(jean).size(), 1u);

    auto unlinked = post("/mon-compte/connexion-externe/dissocier", {{"fournisseur", "franceconnect"}}, "external-unlink");
    ASSERT_EQ(unlinked.status, 303);
    EXPECT_TRUE(links_of(jean).empty());
    EXPECT_TRUE(has(get(location(unlinked)), "Votre compte n'est plus associé à FranceConnect."));
    auto removed = audit("external_link.removed");
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].account_id, jean);

    // The next provider login asks again, even though the pivot matches the account.
    auto next = linking::resolve_external_identity(*db_, protector_, {"franceconnect", fc_sub, jean_pivot(), {}},
                                                   to_unix_seconds(clock_.now()));
    EXPECT_EQ(next.resolution, linking::Resolution::no_match);
}

TEST_F(LinkingRoutesTest, WithoutASessionNothingIsUnlinked) {
    auto jean = add_jean();
    db_->transaction([&](storage::Connection& c) {
        linking::link_external_identity(c, *db_, jean, "franceconnect", fc_sub, "password", 0);
    });
    auto anonymous = post("/mon-compte/connexion-externe/dissocier", {{"fournisseur", "franceconnect"}}, "external-unlink");
    EXPECT_EQ(anonymous.status, 303);
    EXPECT_EQ(location(anonymous), "/connexion");
    EXPECT_EQ(links_of(jean).size(), 1u);
}

}  // namespace
}  // namespace caf::account::test
