// Recovery tests' world: the login security fixture plus the recovery routes, and the few
// gestures of a person going through "Mot de passe oublié".
#pragma once

#include "security_fixture.hpp"

#include "account/recovery/password_recovery.hpp"
#include "account/web/recovery_routes.hpp"

namespace caf::account::test {

class RecoveryTest : public SecurityTest {
protected:
    void SetUp() override {
        SecurityTest::SetUp();
        register_recovery_routes(router_, *context_);
    }

    // Step 1 with the captcha of the page just shown.
    http::Response ask(const std::string& identifier, const std::string& birth_name,
                       std::string answer = std::string(KnownCaptcha::answer)) {
        get("/mot-de-passe-oublie");
        return post("/mot-de-passe-oublie", {{"identifiant", identifier}, {"nom_naissance", birth_name},
                                             {"captcha_id", captcha_.last_id()}, {"captcha", answer}},
                    "recuperation");
    }
    http::Response recovery_step(const std::string& stage, http::Params form) {
        form.emplace_back("etape", stage);
        return post("/mot-de-passe-oublie/etapes", form, "recuperation");
    }
    http::Response current_step() { return get("/mot-de-passe-oublie/etapes"); }

    // The code of the one message queued since the last look.
    std::string queued_code() {
        auto queued = take_queued();
        EXPECT_EQ(queued.size(), 1u);
        if (queued.empty()) return {};
        return queued.front().data.value("code", std::string());
    }

    // Jean's whole recovery by `channel`; the final response.
    http::Response recover_jean(const std::string& channel, const std::string& password) {
        EXPECT_EQ(ask(jean_nir, "Dupont").status, 303);
        EXPECT_EQ(recovery_step("canal", {{"canal", channel}, {"action", "envoyer"}}).status, 303);
        const auto code = queued_code();
        EXPECT_EQ(recovery_step("code", {{"code", code}, {"action", "valider"}}).status, 303);
        return recovery_step("mot-de-passe",
                             {{"nouveau_mot_de_passe", password}, {"confirmation", password}, {"action", "valider"}});
    }

    std::int64_t last_recovery_code_id() {
        return db_->read([](storage::Connection& c) {
            auto row = c.query_one("SELECT id FROM verification_codes WHERE purpose = 'password-recovery' ORDER BY id DESC");
            return row ? row->integer(0) : std::int64_t{0};
        });
    }
};

}  // namespace caf::account::test
