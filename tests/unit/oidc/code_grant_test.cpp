// The payload of an authorization code, as /authorize writes it and /token reads it back.
#include "oidc/issuance/code_grant.hpp"

#include <gtest/gtest.h>

namespace caf::oidc::issuance {
namespace {

TEST(CodeGrant, WhatAuthorizeWritesTokenReadsBack) {
    CodeGrant g;
    g.redirect_uri = "https://portail.example.test/callback";
    g.scope = {"openid", "profile", "offline_access"};
    g.auth_time = 1'700'000'000;
    g.acr = "eidas1";
    g.amr = {"pwd"};
    g.sid = "sid-1";
    g.nonce = "n-0S6";
    g.id_token_claims = {"email"};
    g.code_challenge = std::string(43, 'c');
    g.code_challenge_method = "S256";
    const auto back = code_grant_from_json(to_json(g));
    EXPECT_EQ(back.redirect_uri, g.redirect_uri);
    EXPECT_EQ(back.scope, g.scope);
    EXPECT_EQ(back.auth_time, g.auth_time);
    EXPECT_EQ(back.acr, "eidas1");
    EXPECT_EQ(back.amr, g.amr);
    EXPECT_EQ(back.sid, g.sid);
    EXPECT_EQ(back.nonce, g.nonce);
    EXPECT_EQ(back.id_token_claims, g.id_token_claims);
    EXPECT_EQ(back.code_challenge, g.code_challenge);
    EXPECT_EQ(back.code_challenge_method, "S256");
    EXPECT_EQ(to_json(g)["scope"], "offline_access openid profile");
}

TEST(CodeGrant, AMissingOrMistypedMemberReadsAsAbsent) {
    const auto g = code_grant_from_json(
        nlohmann::json{{"redirect_uri", 42}, {"scope", "openid  profile"}, {"auth_time", "soon"}, {"amr", {"pwd", 3}}});
    EXPECT_EQ(g.redirect_uri, "");
    EXPECT_TRUE(g.scope.empty()) << "a malformed scope grants nothing";
    EXPECT_FALSE(g.auth_time);
    EXPECT_EQ(g.amr, std::vector<std::string>{"pwd"});
    EXPECT_FALSE(g.nonce);
    EXPECT_FALSE(g.code_challenge);
    EXPECT_TRUE(code_grant_from_json(nlohmann::json::array()).redirect_uri.empty());
}

}  // namespace
}  // namespace caf::oidc::issuance
