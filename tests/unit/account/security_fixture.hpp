// Login security tests' world: the login fixture plus a captcha whose answers the test knows,
// the real verification code service, the security routes, and a look into the notification queue.
#pragma once

#include "login_fixture.hpp"

#include "notify/notification.hpp"
#include "account/web/security_routes.hpp"
#include "storage/notifications.hpp"

namespace caf::account::test {

// Every challenge's answer is "K3Y7AC"; a challenge is good once, for the binding it was made for.
class KnownCaptcha final : public CaptchaProvider {
public:
    static constexpr std::string_view answer = "K3Y7AC";
    CaptchaPrompt prompt(std::string_view binding, TimePoint) override {
        std::string id = "challenge" + std::to_string(++issued_);
        live_[id] = std::string(binding);
        return {id, captcha_image_url(id), std::string(captcha_alt)};
    }
    bool check(std::string_view id, std::string_view typed, std::string_view binding, TimePoint) override {
        ++checks;
        auto it = live_.find(std::string(id));
        if (it == live_.end()) return false;
        const bool ok = it->second == binding && normalise_captcha_answer(typed) == answer;
        live_.erase(it);
        return ok;
    }
    std::string last_id() const { return "challenge" + std::to_string(issued_); }
    int checks = 0;

private:
    int issued_ = 0;
    std::map<std::string, std::string> live_;
};

struct QueuedMessage {
    std::string channel;
    std::string recipient;
    std::string template_name;
    nlohmann::json data;
};

class SecurityTest : public LoginTest {
protected:
    void TearDown() override {
        codes_.reset();
        LoginTest::TearDown();
    }
    void SetUp() override {
        LoginTest::SetUp();
        config_.cgu.text_dir = std::filesystem::path(CAF_SOURCE_DIR) / "web" / "cgu";
        context_->captcha = &captcha_;
        codes_ = std::make_unique<VerificationCodeService>(*db_, std::string(32, 'v'), random_);
        context_->codes = codes_.get();
        register_login_security_routes(router_, *context_);
    }

    // Everything queued so far (claimed, so each message is returned once).
    std::vector<QueuedMessage> take_queued() {
        std::vector<QueuedMessage> out;
        storage::Notifications queue(*db_);
        for (const auto& row : queue.claim_due(to_unix_seconds(clock_.now()) + 1, 100, 60)) {
            auto channel = notify::parse_notification_channel(row.channel);
            auto kind = notify::recipient_kind(*channel);
            auto payload = nlohmann::json::parse(*protector_.open(kind, row.payload_sealed));
            out.push_back({row.channel, *protector_.open(kind, row.recipient_sealed), row.template_name, payload["data"]});
        }
        return out;
    }

    // The login form with the captcha answered (the challenge last shown).
    http::Response login_with_captcha(const std::string& identifier, const std::string& password,
                                      std::string answer = std::string(KnownCaptcha::answer),
                                      const std::string& target = "/connexion") {
        return post(target, {{"identifiant", identifier}, {"mot_de_passe", password},
                             {"captcha_id", captcha_.last_id()}, {"captcha", answer}});
    }

    // A post of the current step's form.
    http::Response step(const std::string& stage, http::Params form) {
        form.emplace_back("etape", stage);
        return post("/connexion/etapes", form, "etapes");
    }

    std::string location(const http::Response& r) { return std::string(r.headers.get("Location").value_or("")); }
    bool has(const http::Response& r, std::string_view text) { return r.body.find(html_escaped(text)) != std::string::npos || r.body.find(text) != std::string::npos; }

    KnownCaptcha captcha_;
    std::unique_ptr<VerificationCodeService> codes_;
};

}  // namespace caf::account::test
