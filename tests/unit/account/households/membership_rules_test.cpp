// The dossier membership rules (SPEC.md §7) the admin API and the importer both apply.
#include <gtest/gtest.h>

#include "account/households/membership_rules.hpp"

namespace caf::account::households {
namespace {

using storage::DossierMember;
using storage::MemberRole;

DossierMember member(std::string numero, std::int64_t id, MemberRole role) { return {std::move(numero), id, role, 0}; }

TEST(MembershipRules, OneAllocataireAndOneSpousePerDossier) {
    std::vector<DossierMember> couple{member("1", 10, MemberRole::allocataire), member("1", 11, MemberRole::conjoint)};
    auto second = plan_membership(couple, {}, "1", 12, MemberRole::allocataire);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().find("already has an allocataire"), std::string::npos);
    EXPECT_FALSE(plan_membership(couple, {}, "1", 12, MemberRole::conjoint));
    EXPECT_TRUE(plan_membership(couple, {}, "1", 12, MemberRole::enfant));
}

TEST(MembershipRules, APersonIsPrincipalInAtMostOneDossier) {
    std::vector<DossierMember> elsewhere{member("2", 10, MemberRole::conjoint)};
    auto plan = plan_membership({}, elsewhere, "1", 10, MemberRole::allocataire);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("dossier 2"), std::string::npos);
    // A child of separated parents may belong to two dossiers.
    std::vector<DossierMember> child{member("2", 20, MemberRole::enfant)};
    EXPECT_TRUE(plan_membership({}, child, "1", 20, MemberRole::enfant));
}

TEST(MembershipRules, ChangingOrRemovingAPrincipalResetsTheDelegation) {
    std::vector<DossierMember> couple{member("1", 10, MemberRole::allocataire), member("1", 11, MemberRole::conjoint)};
    auto same = plan_membership(couple, {couple[1]}, "1", 11, MemberRole::conjoint);
    ASSERT_TRUE(same);
    EXPECT_TRUE(same->unchanged);
    auto demoted = plan_membership(couple, {couple[1]}, "1", 11, MemberRole::autre);
    ASSERT_TRUE(demoted);
    EXPECT_EQ(demoted->previous, MemberRole::conjoint);
    EXPECT_TRUE(demoted->resets_delegation);
    EXPECT_TRUE(removal_resets_delegation(MemberRole::conjoint));
    EXPECT_FALSE(removal_resets_delegation(MemberRole::enfant));
}

}  // namespace
}  // namespace caf::account::households
