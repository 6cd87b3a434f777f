// The external captcha provider against a real HTTP service stub on loopback, through the real
// outgoing-HTTP client.
#include "account/captcha/external_captcha.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/crypto.hpp"
#include "net/httplib_fetcher.hpp"

using namespace caf;
using namespace caf::account;

namespace {

// A captcha service that knows one challenge, "c1", whose answer is "HELLO7".
class CaptchaServiceStub {
public:
    CaptchaServiceStub() {
        server_.Post("/v1/challenges", [this](const httplib::Request& req, httplib::Response& res) {
            ++challenge_calls;
            if (failing) return void(res.status = 503);
            if (req.get_header_value("Authorization") != "Bearer service-token") return void(res.status = 401);
            last_binding = nlohmann::json::parse(req.body)["binding"];
            res.set_content(nlohmann::json{{"id", "c1"}, {"image_url", image_url}}.dump(), "application/json");
        });
        server_.Post("/v1/verify", [this](const httplib::Request& req, httplib::Response& res) {
            auto body = nlohmann::json::parse(req.body);
            bool ok = body["id"] == "c1" && body["answer"] == "HELLO7" && body["binding"] == last_binding;
            res.set_content(nlohmann::json{{"success", ok}}.dump(), "application/json");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        image_url = origin() + "/v1/images/c1.png";
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~CaptchaServiceStub() {
        server_.stop();
        thread_.join();
    }
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

    std::string image_url;
    std::string last_binding;
    std::atomic<bool> failing{false};
    std::atomic<int> challenge_calls{0};

private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
};

ManualClock test_clock;
net::HttplibFetcher test_fetcher;

ExternalCaptcha provider_for(const std::string& origin) {
    return ExternalCaptcha({origin + "/v1", "service-token", std::chrono::milliseconds(1000), {}}, test_fetcher,
                           test_clock);
}

}  // namespace

TEST(ExternalCaptcha, ChallengeComesFromTheServiceWithTheBindingDigestOnly) {
    CaptchaServiceStub service;
    auto provider = provider_for(service.origin());
    auto prompt = provider.prompt("csrf-token-of-the-form", TimePoint{});
    EXPECT_EQ(prompt.id, "c1");
    EXPECT_EQ(prompt.image_url, service.image_url);
    EXPECT_EQ(service.last_binding, crypto::hex_encode(crypto::sha256("csrf-token-of-the-form")));
}

TEST(ExternalCaptcha, TheServiceDecidesWhetherTheAnswerPasses) {
    CaptchaServiceStub service;
    auto provider = provider_for(service.origin());
    provider.prompt("binding", TimePoint{});
    EXPECT_FALSE(provider.check("c1", "wrong", "binding", TimePoint{}));
    EXPECT_FALSE(provider.check("c1", "hello7", "another browser", TimePoint{}));
    EXPECT_TRUE(provider.check("c1", " hello 7", "binding", TimePoint{}));
}

TEST(ExternalCaptcha, ImageFromAnotherOriginIsNotShown) {
    CaptchaServiceStub service;
    service.image_url = "https://elsewhere.example/c1.png";
    auto provider = provider_for(service.origin());
    EXPECT_TRUE(provider.prompt("binding", TimePoint{}).id.empty());
}

TEST(ExternalCaptcha, ServiceDownFailsClosed) {
    std::string origin;
    {
        CaptchaServiceStub gone;
        origin = gone.origin();
    }
    auto provider = provider_for(origin);
    EXPECT_TRUE(provider.prompt("binding", TimePoint{}).id.empty());
    EXPECT_FALSE(provider.check("c1", "HELLO7", "binding", TimePoint{}));
}

TEST(ExternalCaptcha, AFailingServiceIsLeftAloneForAWhileThenTriedAgain) {
    CaptchaServiceStub service;
    service.failing = true;
    auto provider = provider_for(service.origin());
    EXPECT_TRUE(provider.prompt("binding", test_clock.now()).id.empty());
    EXPECT_EQ(service.challenge_calls, 1);
    // Open: the next logins are told at once, the service is not called.
    EXPECT_TRUE(provider.prompt("binding", test_clock.now()).id.empty());
    EXPECT_FALSE(provider.check("c1", "HELLO7", "binding", test_clock.now()));
    EXPECT_EQ(service.challenge_calls, 1);
    service.failing = false;
    test_clock.advance(std::chrono::seconds(31));
    EXPECT_EQ(provider.prompt("binding", test_clock.now()).id, "c1");
    EXPECT_EQ(service.challenge_calls, 2);
}

TEST(ExternalCaptcha, MalformedUrlIsAStartupError) {
    EXPECT_THROW(ExternalCaptcha({"ftp://captcha", "t", std::chrono::milliseconds(10), {}}, test_fetcher, test_clock),
                 std::invalid_argument);
}
