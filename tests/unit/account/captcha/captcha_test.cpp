// The captcha of SPEC.md §3: one-use challenges bound to the browser, and a picture a person can read.
#include <gtest/gtest.h>
#include <gd.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <unistd.h>

#include "account/captcha/captcha.hpp"
#include "account/captcha/captcha_image.hpp"
#include "account/web/captcha_routes.hpp"
#include "fake_random.hpp"
#include "storage/migrations.hpp"

namespace caf::account::test {
namespace {

using namespace std::chrono_literals;

const std::string secret(32, 'k');
constexpr std::string_view png_signature = "\x89PNG\r\n\x1a\n";
constexpr const char* browser = "csrf-token-of-this-browser";

class CaptchaTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("caf-captcha-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
        remove_db();
        db_ = storage::open_database("sqlite:" + path_.string(), 2);
        storage::migrate(*db_);
        captcha_ = std::make_unique<CaptchaService>(*db_, secret, random_);
    }
    void TearDown() override {
        captcha_.reset();
        db_.reset();
        remove_db();
    }
    void remove_db() {
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
    }

    std::filesystem::path path_;
    std::unique_ptr<storage::Database> db_;
    FakeRandom random_{7};
    ManualClock clock_;
    std::unique_ptr<CaptchaService> captcha_;
};

struct DecodedPng {
    int width = 0, height = 0;
};

std::optional<DecodedPng> decode(std::string png) {
    gdImagePtr im = gdImageCreateFromPngPtr(static_cast<int>(png.size()), png.data());
    if (!im) return std::nullopt;
    DecodedPng out{gdImageSX(im), gdImageSY(im)};
    gdImageDestroy(im);
    return out;
}

http::Request get(std::string path) {
    http::Request request;
    request.method = "GET";
    request.target = path;
    request.path = std::move(path);
    return request;
}

TEST_F(CaptchaTest, AnswerIsSixCharactersWithoutLookAlikes) {
    std::set<std::string> answers;
    for (int i = 0; i < 200; ++i) {
        auto challenge = captcha_->issue(browser, clock_.now());
        ASSERT_EQ(challenge.answer.size(), 6u);
        for (char ch : challenge.answer) {
            EXPECT_NE(captcha_alphabet.find(ch), std::string_view::npos) << ch;
            EXPECT_EQ(std::string_view("0Oo1Il5Ss2Zz8B").find(ch), std::string_view::npos) << ch;
        }
        answers.insert(challenge.answer);
    }
    EXPECT_GT(answers.size(), 195u);
}

TEST_F(CaptchaTest, IdIs128RandomBitsInBase64url) {
    auto a = captcha_->issue(browser, clock_.now());
    auto b = captcha_->issue(browser, clock_.now());
    EXPECT_EQ(a.id.size(), 22u);
    EXPECT_TRUE(well_formed_captcha_id(a.id));
    EXPECT_NE(a.id, b.id);
}

TEST_F(CaptchaTest, RightAnswerPassesOnceThenFails) {
    auto challenge = captcha_->issue(browser, clock_.now());
    EXPECT_TRUE(captcha_->check(challenge.id, challenge.answer, browser, clock_.now()));
    EXPECT_FALSE(captcha_->check(challenge.id, challenge.answer, browser, clock_.now()));
}

TEST_F(CaptchaTest, WrongAnswerFailsAndSpendsTheChallenge) {
    auto challenge = captcha_->issue(browser, clock_.now());
    std::string wrong = challenge.answer;
    wrong[0] = wrong[0] == 'A' ? 'C' : 'A';
    EXPECT_FALSE(captcha_->check(challenge.id, wrong, browser, clock_.now()));
    EXPECT_FALSE(captcha_->check(challenge.id, challenge.answer, browser, clock_.now()));
}

TEST_F(CaptchaTest, ChallengeExpiresAfterFiveMinutes) {
    auto in_time = captcha_->issue(browser, clock_.now());
    auto too_late = captcha_->issue(browser, clock_.now());
    clock_.advance(5min - 1s);
    EXPECT_TRUE(captcha_->check(in_time.id, in_time.answer, browser, clock_.now()));
    clock_.advance(1s);
    EXPECT_FALSE(captcha_->check(too_late.id, too_late.answer, browser, clock_.now()));
}

TEST_F(CaptchaTest, AnotherBrowserCannotAnswerIt) {
    auto challenge = captcha_->issue(browser, clock_.now());
    EXPECT_FALSE(captcha_->check(challenge.id, challenge.answer, "csrf-token-of-another-browser", clock_.now()));
    // The attempt spent it: the right browser cannot use it any more either.
    EXPECT_FALSE(captcha_->check(challenge.id, challenge.answer, browser, clock_.now()));
}

TEST_F(CaptchaTest, LowerCaseAndSpacesAreAccepted) {
    auto challenge = captcha_->issue(browser, clock_.now());
    std::string typed = " ";
    for (char ch : challenge.answer) {
        typed += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        typed += ' ';
    }
    EXPECT_TRUE(captcha_->check(challenge.id, typed, browser, clock_.now()));
}

TEST_F(CaptchaTest, UnknownOrMalformedIdFails) {
    auto challenge = captcha_->issue(browser, clock_.now());
    EXPECT_FALSE(captcha_->check("AAAAAAAAAAAAAAAAAAAAAA", challenge.answer, browser, clock_.now()));
    EXPECT_FALSE(captcha_->check("../../etc/passwd", challenge.answer, browser, clock_.now()));
    EXPECT_FALSE(captcha_->check("", "", browser, clock_.now()));
}

TEST_F(CaptchaTest, PromptGivesTheImageUrlAndAltText) {
    auto prompt = captcha_->prompt(browser, clock_.now());
    EXPECT_TRUE(well_formed_captcha_id(prompt.id));
    EXPECT_EQ(prompt.image_url, "/captcha/" + prompt.id + ".png");
    EXPECT_FALSE(prompt.alt.empty());
}

TEST_F(CaptchaTest, ShortSecretIsRefusedAtStartup) {
    EXPECT_THROW(CaptchaService(*db_, "short", random_), std::invalid_argument);
}

TEST(CaptchaImage, IsAPngOfTwoHundredBySeventy) {
    FakeRandom random(3);
    const std::string png = render_png("ACE347", random);
    ASSERT_TRUE(png.starts_with(png_signature));
    auto decoded = decode(png);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->width, 200);
    EXPECT_EQ(decoded->height, 70);
    EXPECT_EQ(png.find("ACE347"), std::string::npos);
    EXPECT_EQ(png.find("tEXt"), std::string::npos);
    EXPECT_EQ(png.find("zTXt"), std::string::npos);
    EXPECT_EQ(png.find("iTXt"), std::string::npos);
}

TEST(CaptchaImage, TwoRendersDiffer) {
    FakeRandom random(3);
    EXPECT_NE(render_png("ACE347", random), render_png("ACE347", random));
}

TEST_F(CaptchaTest, ImageOfALiveChallengeIsStableAndGoesAwayOnceUsed) {
    auto challenge = captcha_->issue(browser, clock_.now());
    auto first = captcha_->image(challenge.id, clock_.now());
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->starts_with(png_signature));
    // Reloading shows the same picture: no second sample of the same letters.
    EXPECT_EQ(captcha_->image(challenge.id, clock_.now()), first);
    EXPECT_TRUE(captcha_->check(challenge.id, challenge.answer, browser, clock_.now()));
    EXPECT_FALSE(captcha_->image(challenge.id, clock_.now()));
}

TEST_F(CaptchaTest, ImageRouteServesPngWithoutCaching) {
    CaptchaContext ctx{*captcha_, clock_};
    http::Router router;
    register_captcha_routes(router, ctx);
    auto challenge = captcha_->issue(browser, clock_.now());

    auto match = router.find("GET", captcha_image_url(challenge.id));
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(match.route->execution, http::Execution::blocking);
    auto response = match.route->handler(get(captcha_image_url(challenge.id)));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.headers.get("Content-Type"), "image/png");
    EXPECT_EQ(response.headers.get("Cache-Control"), "no-store");
    auto decoded = decode(response.body);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->width, 200);
    EXPECT_EQ(decoded->height, 70);
}

TEST_F(CaptchaTest, ImageRouteAnswersNotFoundForUnknownUsedOrExpiredIds) {
    CaptchaContext ctx{*captcha_, clock_};
    auto used = captcha_->issue(browser, clock_.now());
    ASSERT_TRUE(captcha_->check(used.id, used.answer, browser, clock_.now()));
    auto expiring = captcha_->issue(browser, clock_.now());

    EXPECT_EQ(captcha_image(get("/captcha/AAAAAAAAAAAAAAAAAAAAAA.png"), ctx).status, 404);
    EXPECT_EQ(captcha_image(get("/captcha/nonsense"), ctx).status, 404);
    EXPECT_EQ(captcha_image(get(captcha_image_url(used.id)), ctx).status, 404);
    clock_.advance(5min);
    auto expired = captcha_image(get(captcha_image_url(expiring.id)), ctx);
    EXPECT_EQ(expired.status, 404);
    EXPECT_EQ(expired.headers.get("Cache-Control"), "no-store");
}

}  // namespace
}  // namespace caf::account::test
