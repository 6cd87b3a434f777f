// The pending external identity of SPEC.md §8 step 3: sealed per browser, single cookie, expiring.
#include <gtest/gtest.h>

#include "account/linking/pending_external_identity.hpp"
#include "core/browser_seal.hpp"
#include "core/login_contract.hpp"
#include "fake_random.hpp"
#include "storage/drafts.hpp"
#include "store_fixture.hpp"

namespace caf::account::linking {
namespace {

PendingExternalIdentity sample() {
    PendingExternalIdentity p;
    p.provider = "franceconnect";
    p.provider_label = "FranceConnect";
    p.subject = std::string(64, 'a') + "v1";
    p.person = PersonRecord{"Madame", "MARTIN", "Claire Anne", "", "1980-02-29", "75056", "99100"};
    p.verified_nir = "2800275056123";
    p.email = "claire.martin@example.test";
    p.acr = "eidas1";
    p.amr = {"fc", "pwd"};
    p.id_token = "eyJhbGciOiJFUzI1NiJ9.e30.sig";
    p.interaction_id = "interaction-1";
    p.client_id = "portal";
    return p;
}

// Through the store's own sealing, as a browser's cookie id would open it.
constexpr std::string_view cookie_id = "cookie-id-0123456789abcdef";
std::optional<PendingExternalIdentity> sealed_and_opened(const nlohmann::json& j) {
    return PendingExternalIdentities::open(cookie_id, browser_seal::seal(pending_kind.label, cookie_id, j));
}

TEST(PendingExternalIdentityJson, RoundTrips) {
    auto p = sample();
    p.expires_at = 1234;
    auto back = sealed_and_opened(p);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->provider, p.provider);
    EXPECT_EQ(back->provider_label, p.provider_label);
    EXPECT_EQ(back->subject, p.subject);
    EXPECT_EQ(back->person.first_names, "Claire Anne");
    EXPECT_EQ(back->person.birth_place, "75056");
    EXPECT_EQ(back->verified_nir, p.verified_nir);
    EXPECT_EQ(back->email, p.email);
    EXPECT_EQ(back->amr, p.amr);
    EXPECT_EQ(back->acr, "eidas1");
    EXPECT_EQ(back->id_token, p.id_token);
    EXPECT_EQ(back->interaction_id, p.interaction_id);
    EXPECT_EQ(back->client_id, p.client_id);
    EXPECT_EQ(back->expires_at, 1234);

    auto bare = p;
    bare.verified_nir.reset();
    bare.email.reset();
    bare.interaction_id.reset();
    auto bare_back = sealed_and_opened(bare);
    ASSERT_TRUE(bare_back);
    EXPECT_FALSE(bare_back->verified_nir);
    EXPECT_FALSE(bare_back->interaction_id);
}

TEST(PendingExternalIdentityJson, RefusesAMalformedObject) {
    nlohmann::json j = sample();
    j["person"]["birth_date"] = "29/02/1980";
    EXPECT_FALSE(sealed_and_opened(j));
    j = sample();
    j.erase("subject");
    EXPECT_FALSE(sealed_and_opened(j));
    j = sample();
    j["provider"] = "";
    EXPECT_FALSE(sealed_and_opened(j));
    EXPECT_FALSE(sealed_and_opened(nlohmann::json::array()));
}

template <class Backend>
class PendingExternalIdentityStore : public storage::testing::StoreTest<Backend> {
protected:
    http::Request with_cookie(const std::string& set_cookie) {
        http::Request r;
        r.headers.set("Cookie", set_cookie.substr(0, set_cookie.find(';')));
        return r;
    }
    test::FakeRandom random_;
    ManualClock clock_;
};

TYPED_TEST_SUITE(PendingExternalIdentityStore, storage::testing::Backends, storage::testing::BackendNames);

TYPED_TEST(PendingExternalIdentityStore, SealedForTheBrowserThatHoldsTheCookie) {
    PendingExternalIdentities pending(this->db(), this->random_, std::chrono::minutes(15));
    auto cookie = pending.start(sample(), this->clock_.now());
    EXPECT_TRUE(cookie.starts_with("__Host-caf_external="));
    EXPECT_NE(cookie.find("Secure"), std::string::npos);
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("Path=/"), std::string::npos);
    EXPECT_EQ(cookie.find("Max-Age"), std::string::npos) << "a session cookie: it dies with the browser";

    auto loaded = pending.load(this->with_cookie(cookie), this->clock_.now());
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->value.subject, sample().subject);
    EXPECT_EQ(loaded->value.person.birth_name, "MARTIN");

    // Another browser, or none.
    EXPECT_FALSE(pending.load(this->with_cookie("__Host-caf_external=" + std::string(43, 'x')), this->clock_.now()));
    EXPECT_FALSE(pending.load(http::Request{}, this->clock_.now()));
}

TYPED_TEST(PendingExternalIdentityStore, TheStoreAloneCannotReadOrAlterIt) {
    PendingExternalIdentities pending(this->db(), this->random_, std::chrono::minutes(15));
    auto cookie = pending.start(sample(), this->clock_.now());
    auto request = this->with_cookie(cookie);
    auto loaded = pending.load(request, this->clock_.now());
    ASSERT_TRUE(loaded);

    const std::string key = "external-identity:" + login::digest(loaded->id);
    storage::Drafts drafts(this->db());
    auto row = drafts.find(key, to_unix_seconds(this->clock_.now()));
    ASSERT_TRUE(row);
    EXPECT_EQ(row->payload_sealed.find("MARTIN"), std::string::npos);
    EXPECT_EQ(row->payload_sealed.find("eyJhbGci"), std::string::npos);

    auto tampered = row->payload_sealed;
    tampered[tampered.size() / 2] ^= 0x01;
    drafts.save(key, tampered, row->created_at, row->expires_at);
    EXPECT_FALSE(pending.load(request, this->clock_.now()));
}

TYPED_TEST(PendingExternalIdentityStore, ExpiresAndIsSingleUse) {
    PendingExternalIdentities pending(this->db(), this->random_, std::chrono::minutes(15));
    auto request = this->with_cookie(pending.start(sample(), this->clock_.now()));
    this->clock_.advance(std::chrono::minutes(14));
    auto loaded = pending.load(request, this->clock_.now());
    ASSERT_TRUE(loaded);
    this->clock_.advance(std::chrono::minutes(2));
    EXPECT_FALSE(pending.load(request, this->clock_.now()));

    auto second = this->with_cookie(pending.start(sample(), this->clock_.now()));
    auto again = pending.load(second, this->clock_.now());
    ASSERT_TRUE(again);
    this->db().transaction([&](storage::Connection& c) { pending.remove(c, again->id); });
    EXPECT_FALSE(pending.load(second, this->clock_.now()));
    EXPECT_NE(PendingExternalIdentities::clearing_cookie().find("Max-Age=0"), std::string::npos);
}

}  // namespace
}  // namespace caf::account::linking
