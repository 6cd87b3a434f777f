// Households (SPEC.md §7): the access matrix row by row, the caf_dossier claim, the one-time
// delegation question after login, "Mes autorisations" (grant, withdraw, the spouse's view, the
// single person's absence of the page, CSRF, audit).
#include "security_fixture.hpp"

#include "account/claims/account_claims.hpp"
#include "account/households/access_matrix.hpp"
#include "account/households/dossier_claim.hpp"
#include "account/households/household.hpp"
#include "account/steps/pending_login.hpp"
#include "account/steps/pending_steps.hpp"
#include "account/web/delegation_pages.hpp"
#include "storage/audit_log.hpp"
#include "storage/dossiers.hpp"

namespace caf::account::test {
namespace {

using households::MemberAccess;
using storage::MemberRole;

std::vector<std::string> names_of(const MemberAccess& access) {
    std::vector<std::string> out;
    for (auto name : households::permission_names(households::permissions_of(access))) out.emplace_back(name);
    return out;
}

const std::vector<std::string> whole_dossier{
    "dossier.read",   "payments.read", "mail.read",    "changes.declare",    "dossier.procedures",
    "request.benefits", "request.aah", "request.ajpa", "request.bafa",       "request.pala",
    "separation.declare", "mail.send", "contact_caf.phone_visit", "own_data.read", "own_contact.update"};

std::vector<std::string> plus(std::vector<std::string> list, std::string name) {
    list.push_back(std::move(name));
    return list;
}

TEST(AccessMatrix, EveryRoleAndDelegationState) {
    const std::vector<std::string> spouse_own{"request.aah",        "request.ajpa",           "request.bafa",
                                              "request.pala",       "separation.declare",     "contact_caf.phone_visit",
                                              "own_data.read",      "own_contact.update"};
    struct Row {
        MemberAccess access;
        std::vector<std::string> expected;
    };
    const std::vector<Row> rows{
        // The allocataire: everything, whatever the delegation; "Mes autorisations" with a spouse.
        {{MemberRole::allocataire, false, false}, whole_dossier},
        {{MemberRole::allocataire, false, true}, plus(whole_dossier, "delegation.manage")},
        {{MemberRole::allocataire, true, true}, plus(whole_dossier, "delegation.manage")},
        // The spouse: everything with the delegation, their own part without.
        {{MemberRole::conjoint, true, true}, whole_dossier},
        {{MemberRole::conjoint, false, true}, spouse_own},
        // Children over 15 and other dependents: their own data, delegation or not.
        {{MemberRole::enfant, false, true}, {"own_data.read"}},
        {{MemberRole::enfant, true, true}, {"own_data.read"}},
        {{MemberRole::autre, false, false}, {"own_data.read"}},
        {{MemberRole::autre, true, true}, {"own_data.read"}},
    };
    for (const auto& row : rows)
        EXPECT_EQ(names_of(row.access), row.expected)
            << storage::to_string(row.access.role) << " delegation=" << row.access.delegation_granted
            << " spouse=" << row.access.has_spouse;
}

TEST(AccessMatrix, NamesAreStableAndParse) {
    EXPECT_EQ(households::all_permissions().size(), 16u);
    for (auto p : households::all_permissions()) {
        auto name = households::to_string(p);
        EXPECT_FALSE(name.empty());
        EXPECT_EQ(households::parse_permission(name), p);
    }
    EXPECT_FALSE(households::parse_permission("others_contact.read").has_value());
}

households::Household household(MemberRole role, bool granted, bool spouse) {
    households::Household h;
    h.account_id = 1;
    h.role = role;
    h.dossier.number = "7000001";
    h.dossier.delegation_granted = granted;
    h.allocataire = 1;
    if (spouse) h.spouse = 2;
    return h;
}

TEST(DossierClaim, ShapeForEachRole) {
    auto allocataire = households::dossier_claim(household(MemberRole::allocataire, true, true), "Zohra TADJ");
    EXPECT_EQ(allocataire["numero"], "7000001");
    EXPECT_EQ(allocataire["role"], "allocataire");
    EXPECT_EQ(allocataire["delegation"], true);
    EXPECT_EQ(allocataire["spouse_name"], "Zohra TADJ");
    EXPECT_FALSE(allocataire.contains("allocataire_name"));
    EXPECT_EQ(allocataire["permissions"].get<std::vector<std::string>>(), plus(whole_dossier, "delegation.manage"));

    auto spouse = households::dossier_claim(household(MemberRole::conjoint, false, true), "Jean Michel FICTIF");
    EXPECT_EQ(spouse["role"], "conjoint");
    EXPECT_EQ(spouse["delegation"], false);
    EXPECT_EQ(spouse["allocataire_name"], "Jean Michel FICTIF");
    EXPECT_FALSE(spouse.contains("spouse_name"));

    // A single allocataire: nobody to delegate to, no name.
    auto single = households::dossier_claim(household(MemberRole::allocataire, false, false), "");
    EXPECT_EQ(single["delegation"], false);
    EXPECT_FALSE(single.contains("spouse_name"));
    auto child = households::dossier_claim(household(MemberRole::enfant, true, true), "");
    EXPECT_EQ(child["permissions"], nlohmann::json::array({"own_data.read"}));
}

TEST(DelegationQuestion, DetectedForTheAllocataireOfACoupleOnlyAndLast) {
    config::Config config;
    config.cgu.version = "2024-03";
    auto rules = step_rules(config);
    storage::Account account;
    account.cgu_version = "2023-01";
    account.password_changed_at = 1;
    auto h = household(MemberRole::allocataire, false, true);
    EXPECT_TRUE(h.delegation_question_due());
    EXPECT_EQ(detect_pending_steps(account, 100, rules, {h.delegation_question_due()}),
              (std::vector{PendingStep::accept_cgu, PendingStep::delegation_question}));
    // After a legacy first connection too.
    storage::Account legacy;
    legacy.legacy_password = true;
    EXPECT_EQ(detect_pending_steps(legacy, 100, rules, {true}),
              (std::vector{PendingStep::legacy_first_connection, PendingStep::delegation_question}));
    EXPECT_EQ(steps::stages_of({PendingStep::delegation_question}), (std::vector{steps::Stage::delegation}));

    h.dossier.delegation_question_answered = true;
    EXPECT_FALSE(h.delegation_question_due());
    EXPECT_FALSE(household(MemberRole::allocataire, false, false).delegation_question_due()) << "single person";
    EXPECT_FALSE(household(MemberRole::conjoint, false, true).delegation_question_due()) << "the spouse is not asked";
    EXPECT_FALSE(household(MemberRole::enfant, false, true).delegation_question_due());
}

// Two households on a real store: Jean Michel FICTIF (allocataire) and Zohra TADJ (spouse) in
// 7000001; Karim EXEMPLE alone in 7000003; Léo, a child of 7000001.
class HouseholdPages : public SecurityTest {
protected:
    static constexpr const char* zohra_nir = "285112A004123";
    static constexpr const char* leo_nir = "1070975056089";
    void SetUp() override {
        SecurityTest::SetUp();
        households::register_household_routes(router_, *context_);
        jean_ = add_person(jean_nir, "Monsieur", "FICTIF", "Jean Michel", "1963-06-15", {{"numero", "7000001"}, {"role", "allocataire"}});
        zohra_ = add_person(zohra_nir, "Madame", "TADJ", "Zohra", "1985-11-19", {{"numero", "7000001"}, {"role", "conjoint"}});
        leo_ = add_person(leo_nir, "Monsieur", "FICTIF", "Léo", "2007-09-01", {{"numero", "7000001"}, {"role", "enfant"}});
        karim_ = add_account({{"provisional_id", "P33392250"}, {"password", jean_password}, {"cgu_version", "2024-03"},
                              {"civilite", "Monsieur"}, {"birth_name", "EXEMPLE"}, {"first_names", "Karim"},
                              {"birth_date", "1979-11-02"}, {"birth_place", ""}, {"birth_country", "99350"},
                              {"dossier", {{"numero", "7000003"}, {"role", "allocataire"}}}});
    }
    std::int64_t add_person(const char* nir, const char* civilite, const char* name, const char* first,
                            const char* born, nlohmann::json dossier) {
        return add_account({{"nir", nir}, {"password", jean_password}, {"cgu_version", "2024-03"},
                            {"civilite", civilite}, {"birth_name", name}, {"first_names", first},
                            {"birth_date", born}, {"birth_place", "75056"}, {"dossier", std::move(dossier)}});
    }
    // Logs in (the delegation question answered with "Passer" when it comes) with a fresh browser.
    void log_in(const std::string& identifier) {
        browser_ = {};
        auto response = login(identifier, jean_password);
        ASSERT_EQ(response.status, 303);
        if (location(response) == "/connexion/etapes") step("autorisations", {{"action", "passer"}});
        ASSERT_TRUE(browser_.cookies.contains(std::string(login::session_cookie)));
    }
    http::Response answer(const std::string& choice, bool with_csrf = true) {
        return post("/mon-compte/autorisations", {{"delegation", choice}, {"action", "valider"}}, "autorisations",
                    with_csrf);
    }
    nlohmann::json claim_of(std::int64_t id) {
        auto claims = account_claims(*db_, protector_, id, {"openid", "caf_dossier"}, false);
        return claims && claims->contains("caf_dossier") ? (*claims)["caf_dossier"] : nlohmann::json();
    }
    std::vector<storage::AuditEntry> delegation_audit() {
        std::vector<storage::AuditEntry> out;
        for (auto& e : storage::AuditLog(*db_).list(storage::AuditQuery{}))
            if (e.action.starts_with("delegation.")) out.push_back(e);
        return out;
    }
    std::int64_t jean_ = 0, zohra_ = 0, leo_ = 0, karim_ = 0;
};

TEST_F(HouseholdPages, TheQuestionComesOnceAfterLoginAndPasserChangesNothing) {
    auto response = login(jean_nir, jean_password);
    ASSERT_EQ(response.status, 303);
    EXPECT_EQ(location(response), "/connexion/etapes");
    auto page = get("/connexion/etapes");
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(has(page, "J'autorise Zohra TADJ à consulter les données du dossier et à réaliser les démarches."));
    EXPECT_TRUE(has(page, "Passer"));
    // "Continuer" without an answer: said so, still on the question.
    auto empty = step("autorisations", {{"action", "continuer"}});
    EXPECT_EQ(empty.status, 400);
    EXPECT_TRUE(has(empty, "Veuillez répondre Oui ou Non"));

    auto skipped = step("autorisations", {{"action", "passer"}});
    ASSERT_EQ(skipped.status, 303);
    EXPECT_EQ(location(skipped), "/mon-compte") << "\"Passer\" confirms nothing";
    EXPECT_TRUE(set_cookie(skipped, login::session_cookie).has_value());
    auto dossier = storage::Dossiers(*db_).find("7000001");
    EXPECT_TRUE(dossier->delegation_question_answered);
    EXPECT_FALSE(dossier->delegation_granted);
    EXPECT_TRUE(delegation_audit().empty());

    // Asked once: the next login goes straight through.
    browser_ = {};
    auto again = login(jean_nir, jean_password);
    EXPECT_NE(location(again), "/connexion/etapes");
    EXPECT_TRUE(set_cookie(again, login::session_cookie).has_value());
}

constexpr std::string_view granted_confirmation =
    "Nous vous confirmons que votre conjoint est maintenant autorisé à consulter l'ensemble du dossier et à "
    "réaliser les démarches en ligne.";
constexpr std::string_view withdrawn_confirmation =
    "Nous vous confirmons que votre conjoint ne peut plus consulter l'ensemble du dossier et réaliser les "
    "démarches en ligne.";

TEST_F(HouseholdPages, AnsweringOuiInTheQuestionGrantsTheDelegationAndConfirmsIt) {
    login(jean_nir, jean_password);
    auto answered = step("autorisations", {{"action", "continuer"}, {"delegation", "oui"}});
    ASSERT_EQ(answered.status, 303);
    EXPECT_EQ(location(answered), "/connexion/etapes");
    EXPECT_TRUE(storage::Dossiers(*db_).find("7000001")->delegation_granted);

    // The confirmation of SPEC.md §7, then "Continuer" to where the login was going.
    auto confirmation = get("/connexion/etapes");
    ASSERT_EQ(confirmation.status, 200);
    EXPECT_TRUE(has(confirmation, granted_confirmation)) << confirmation.body;
    EXPECT_FALSE(has(confirmation, withdrawn_confirmation));
    EXPECT_TRUE(has(confirmation, R"(href="/mon-compte">Continuer)")) << confirmation.body;
    EXPECT_TRUE(set_cookie(confirmation, login::session_cookie).has_value());
    // Shown once: the login is complete, nothing is pending any more.
    EXPECT_EQ(get("/connexion/etapes").status, 400);
    EXPECT_EQ(claim_of(zohra_)["delegation"], true);
    ASSERT_EQ(delegation_audit().size(), 1u);
}

TEST_F(HouseholdPages, AnsweringNonInTheQuestionConfirmsTheSpouseCannot) {
    login(jean_nir, jean_password);
    auto answered = step("autorisations", {{"action", "continuer"}, {"delegation", "non"}});
    ASSERT_EQ(answered.status, 303);
    EXPECT_EQ(location(answered), "/connexion/etapes");
    auto confirmation = get("/connexion/etapes");
    ASSERT_EQ(confirmation.status, 200);
    EXPECT_TRUE(has(confirmation, withdrawn_confirmation)) << confirmation.body;
    EXPECT_FALSE(has(confirmation, granted_confirmation));
    EXPECT_TRUE(set_cookie(confirmation, login::session_cookie).has_value());
    auto dossier = storage::Dossiers(*db_).find("7000001");
    EXPECT_FALSE(dossier->delegation_granted);
    EXPECT_TRUE(dossier->delegation_question_answered);
    EXPECT_TRUE(delegation_audit().empty()) << "nothing changed: the delegation was not granted";
}

TEST_F(HouseholdPages, NoConfirmationWhenTheSpouseLeftWhileTheQuestionWasShown) {
    login(jean_nir, jean_password);
    db_->transaction([&](storage::Connection& c) { storage::Dossiers(*db_).remove_member(c, "7000001", zohra_); });
    auto answered = step("autorisations", {{"action", "continuer"}, {"delegation", "oui"}});
    ASSERT_EQ(answered.status, 303);
    EXPECT_EQ(location(answered), "/mon-compte");
    EXPECT_TRUE(set_cookie(answered, login::session_cookie).has_value());
    EXPECT_FALSE(storage::Dossiers(*db_).find("7000001")->delegation_granted);
}

TEST_F(HouseholdPages, NeverAskedNorShownToASinglePersonTheSpouseOrAChild) {
    for (const std::string& id : {std::string("P33392250"), std::string(zohra_nir), std::string(leo_nir)}) {
        browser_ = {};
        auto response = login(id, jean_password);
        ASSERT_EQ(response.status, 303) << id;
        EXPECT_NE(location(response), "/connexion/etapes") << id;
    }
    // Karim's (single) session: no link, no page.
    log_in("P33392250");
    EXPECT_FALSE(has(get("/mon-compte"), "Mes autorisations"));
    auto page = get("/mon-compte/autorisations");
    EXPECT_EQ(page.status, 303);
    EXPECT_EQ(location(page), "/mon-compte");
    EXPECT_EQ(answer("oui").status, 303);
    EXPECT_FALSE(storage::Dossiers(*db_).find("7000003")->delegation_granted);
    log_in(leo_nir);
    EXPECT_EQ(location(get("/mon-compte/autorisations")), "/mon-compte");
}

TEST_F(HouseholdPages, TheAllocataireGrantsAndWithdrawsAuditedAndTheClaimsFollow) {
    EXPECT_EQ(claim_of(zohra_)["permissions"].size(), 8u);
    log_in(jean_nir);
    auto home = get("/mon-compte");
    EXPECT_TRUE(has(home, "Mes autorisations"));
    auto page = get("/mon-compte/autorisations");
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(has(page, "Vous êtes le responsable de votre dossier Caf."));
    EXPECT_TRUE(has(page, "Aujourd'hui, vous êtes seul à pouvoir consulter les données du dossier."));
    EXPECT_TRUE(has(page, "J'autorise Zohra TADJ à consulter les données du dossier et à réaliser les démarches."));

    clock_.advance(std::chrono::seconds{60});
    auto granted = answer("oui");
    ASSERT_EQ(granted.status, 303);
    EXPECT_EQ(location(granted), "/mon-compte/autorisations?confirmation=oui");
    auto confirmed = get(location(granted));
    EXPECT_TRUE(has(confirmed, "Nous vous confirmons que votre conjoint est maintenant autorisé à consulter l'ensemble "
                               "du dossier et à réaliser les démarches en ligne."));
    EXPECT_TRUE(has(confirmed, "vous avez donné les droits de gestion de votre dossier à Zohra TADJ"));
    EXPECT_EQ(claim_of(zohra_)["delegation"], true);
    EXPECT_EQ(claim_of(zohra_)["permissions"].get<std::vector<std::string>>(), whole_dossier);
    EXPECT_EQ(claim_of(jean_)["spouse_name"], "Zohra TADJ");
    EXPECT_EQ(claim_of(zohra_)["allocataire_name"], "Jean Michel FICTIF");

    auto withdrawn = answer("non");
    EXPECT_EQ(location(withdrawn), "/mon-compte/autorisations?confirmation=non");
    EXPECT_TRUE(has(get(location(withdrawn)), "Nous vous confirmons que votre conjoint ne peut plus consulter "
                                              "l'ensemble du dossier et réaliser les démarches en ligne."));
    EXPECT_EQ(claim_of(zohra_)["delegation"], false);
    EXPECT_EQ(claim_of(zohra_)["permissions"].size(), 8u);
    // The same answer again is not a change.
    answer("non");

    auto audit = delegation_audit();
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].action, "delegation.granted");
    EXPECT_EQ(audit[1].action, "delegation.withdrawn");
    EXPECT_EQ(audit[0].actor_id, std::to_string(jean_));
    EXPECT_EQ(audit[0].account_id, jean_);
    EXPECT_EQ(audit[0].details["dossier"], "7000001");
    EXPECT_EQ(audit[0].details["spouse_account"], zohra_);
    EXPECT_EQ(audit[0].at, to_unix_seconds(clock_.now()));
    EXPECT_EQ(audit[0].details.dump().find("TADJ"), std::string::npos) << "no names in the audit";
}

TEST_F(HouseholdPages, TheSpouseSeesTheDelegationReadOnly) {
    log_in(zohra_nir);
    EXPECT_TRUE(has(get("/mon-compte"), "Mes autorisations"));
    auto page = get("/mon-compte/autorisations");
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(has(page, "Jean Michel FICTIF, responsable du dossier, ne vous a pas autorisé(e)"));
    EXPECT_FALSE(has(page, "name=\"delegation\""));
    // A post of the spouse changes nothing.
    EXPECT_EQ(answer("oui").status, 303);
    EXPECT_FALSE(storage::Dossiers(*db_).find("7000001")->delegation_granted);
    storage::Dossiers(*db_).set_delegation("7000001", true, jean_, to_unix_seconds(clock_.now()));
    EXPECT_TRUE(has(get("/mon-compte/autorisations"),
                    "Jean Michel FICTIF vous autorise à consulter les données du dossier et à réaliser les démarches."));
}

TEST_F(HouseholdPages, WithoutCsrfOrSessionNothingChanges) {
    log_in(jean_nir);
    auto refused = answer("oui", false);
    EXPECT_EQ(refused.status, 403);
    EXPECT_FALSE(storage::Dossiers(*db_).find("7000001")->delegation_granted);
    browser_ = {};
    EXPECT_EQ(location(get("/mon-compte/autorisations")), "/connexion");
    EXPECT_EQ(location(answer("oui")), "/connexion");
    EXPECT_FALSE(storage::Dossiers(*db_).find("7000001")->delegation_granted);
    EXPECT_TRUE(delegation_audit().empty());
}

TEST_F(HouseholdPages, NoClaimOutsideADossierAndOnlyWithTheScope) {
    auto outsider = add_account({{"nir", unknown_nir}, {"password", jean_password}, {"cgu_version", "2024-03"}});
    auto claims = account_claims(*db_, protector_, outsider, {"openid", "caf_dossier"}, false);
    ASSERT_TRUE(claims);
    EXPECT_FALSE(claims->contains("caf_dossier")) << "no dossier: no claim";
    claims = account_claims(*db_, protector_, karim_, {"openid", "profile"}, false);
    ASSERT_TRUE(claims);
    EXPECT_FALSE(claims->contains("caf_dossier")) << "not without the scope";
    EXPECT_EQ(claim_of(karim_)["role"], "allocataire");
    EXPECT_EQ(claim_of(leo_)["role"], "enfant");
    EXPECT_FALSE(claim_of(leo_).contains("allocataire_name")) << "names only between the couple";
}

}  // namespace
}  // namespace caf::account::test
