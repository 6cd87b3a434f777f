// The admin API's pure parts: paths, bodies, the audit query and its cursor (the membership rules
// it applies are in membership_rules_test.cpp).
#include <gtest/gtest.h>

#include "account/admin/admin_requests.hpp"

namespace caf::account::admin {
namespace {

using storage::MemberRole;

TEST(AdminPaths, AccountOperationPathGivesIdAndOperation) {
    auto p = parse_account_path("/admin/v1/accounts/42/unlock");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->account_id, 42);
    EXPECT_EQ(p->operation, "unlock");
    for (const char* bad : {"/admin/v1/accounts/0/unlock", "/admin/v1/accounts/x/unlock", "/admin/v1/accounts/42",
                            "/admin/v1/accounts/42/unlock/", "/admin/v1/accounts//unlock", "/admin/v1/accounts/-1/nir"})
        EXPECT_FALSE(parse_account_path(bad)) << bad;
}

TEST(AdminPaths, DossierAndMemberPaths) {
    auto d = parse_dossier_path("/admin/v1/dossiers/7000001");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->numero, "7000001");
    EXPECT_FALSE(d->member);
    auto m = parse_dossier_path("/admin/v1/dossiers/7000001/members/9");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->member, 9);
    EXPECT_FALSE(parse_dossier_path("/admin/v1/dossiers/7000001/people/9"));
    EXPECT_FALSE(parse_dossier_path("/admin/v1/dossiers/7000001/members"));
    EXPECT_FALSE(parse_dossier_number("70A"));
    EXPECT_FALSE(parse_dossier_number("12345678901234567"));
}

TEST(AdminBodies, NirIsCheckedAndCanonicalWithoutEchoingIt) {
    auto nir = parse_nir_body(R"({"nir":"1 63 06 31 555 082"})");
    ASSERT_TRUE(nir);
    EXPECT_EQ(*nir, "1630631555082");
    auto bad = parse_nir_body(R"({"nir":"1630631555083 99"})");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "nir");
    EXPECT_EQ(bad.error().message.find("1630631555083"), std::string::npos);
    EXPECT_EQ(parse_nir_body("not json").error().field, "body");
}

TEST(AdminBodies, LookupTakesExactlyOneIdentifier) {
    EXPECT_EQ(parse_lookup_body(R"({"provisional_id":"P33392250"})")->provisional_id, "P33392250");
    EXPECT_FALSE(parse_lookup_body(R"({"nir":"1630631555082","provisional_id":"P33392250"})"));
    EXPECT_EQ(parse_lookup_body(R"({"provisional_id":"Q1"})").error().field, "provisional_id");
}

TEST(AdminBodies, ContactUpdateValidatesLikeTheCreationForm) {
    auto u = parse_contact_update(R"({"phone":"07 11.22 33 44","phone_verified":true,"email":null})");
    ASSERT_TRUE(u);
    ASSERT_TRUE(u->phone);
    EXPECT_EQ(u->phone->value, "0711223344");
    EXPECT_TRUE(u->phone->verified);
    ASSERT_TRUE(u->email);
    EXPECT_FALSE(u->email->value);
    EXPECT_EQ(parse_contact_update(R"({"phone":"0123456789"})").error().field, "phone");
    EXPECT_EQ(parse_contact_update(R"({"email":"pas une adresse"})").error().field, "email");
    EXPECT_EQ(parse_contact_update(R"({"fax":"1"})").error().field, "fax");
    EXPECT_EQ(parse_contact_update(R"({})").error().field, "body");
    EXPECT_EQ(parse_contact_update(R"({"email_verified":true})").error().field, "email_verified");
}

TEST(AdminBodies, RoleIsOneOfTheFourOfTheDossier) {
    EXPECT_EQ(*parse_member_role_body(R"({"role":"conjoint"})"), MemberRole::conjoint);
    EXPECT_EQ(parse_member_role_body(R"({"role":"époux"})").error().field, "role");
}

TEST(AuditQuery, FiltersLimitAndCursorRoundTrip) {
    auto r = parse_audit_request({{"account_id", "12"}, {"event", "admin.account_lookup"}, {"client_id", "bo"},
                                  {"since", "2024-03-08"}, {"until", "2024-03-08T10:00:00Z"}, {"limit", "20"},
                                  {"cursor", encode_cursor(345)}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->query.account_id, 12);
    EXPECT_EQ(r->query.action, "admin.account_lookup");
    EXPECT_EQ(r->query.actor_id, "bo");
    EXPECT_EQ(r->query.from, 1709856000);
    EXPECT_EQ(r->query.until, 1709856000 + 36000);
    EXPECT_EQ(r->limit, 20);
    EXPECT_EQ(r->query.limit, 21) << "one more, to know whether a next page exists";
    EXPECT_EQ(r->query.after_id, 345);
    EXPECT_TRUE(r->query.newest_first);
}

TEST(AuditQuery, RefusesWhatItCannotRead) {
    EXPECT_EQ(parse_audit_request({{"cursor", "nonsense"}}).error().field, "cursor");
    EXPECT_EQ(parse_audit_request({{"limit", "501"}}).error().field, "limit");
    EXPECT_EQ(parse_audit_request({{"since", "2024-02-30"}}).error().field, "since");
    EXPECT_EQ(parse_audit_request({{"since", "200"}, {"until", "100"}}).error().field, "until");
    EXPECT_EQ(parse_audit_request({{"limit", "1"}, {"limit", "2"}}).error().field, "limit");
    EXPECT_EQ(parse_audit_request({{"nir", "1"}}).error().field, "nir");
    EXPECT_FALSE(decode_cursor(encode_cursor(7) + "x"));
}

}  // namespace
}  // namespace caf::account::admin
