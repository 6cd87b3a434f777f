// The login lockout under simultaneous attempts, on SQLite and MariaDB: each attempt is reserved
// under the lockout row's lock before its password is hashed (the ZITADEL race,
// GHSA-7h8m-vrxx-vr4m), so attempts sent together cannot all skip the captcha.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "account/login/login_service.hpp"
#include "fake_random.hpp"
#include "storage/lockout.hpp"
#include "store_fixture.hpp"

namespace caf::account::password_login {
namespace {

using storage::testing::t0;

// A captcha nobody answers: the attempts of this test come without one.
class UnansweredCaptcha final : public CaptchaProvider {
public:
    CaptchaPrompt prompt(std::string_view, TimePoint) override { return {}; }
    bool check(std::string_view, std::string_view, std::string_view, TimePoint) override {
        ++checks;
        return false;
    }
    std::atomic<int> checks{0};
};

template <class Backend>
class LoginRaceStore : public storage::testing::StoreTest<Backend> {
protected:
    PersonalDataProtector protector_{std::string(32, 'd'), std::string(32, 'l')};
    test::FakeRandom random_;
    // The default Argon2id work (the dummy verification of an unknown identifier, the very path
    // of an account) keeps the first attempts in flight while the others arrive.
    PasswordHasher hasher_{Argon2Params{}, random_};
    LockoutPolicy lockout_;
    UnansweredCaptcha captcha_;
};

TYPED_TEST_SUITE(LoginRaceStore, storage::testing::Backends, storage::testing::BackendNames);

TYPED_TEST(LoginRaceStore, OfEightSimultaneousAttemptsThreeAreCheckedAndFiveNeedTheCaptcha) {
    LoginService service(this->db(), this->protector_, this->hasher_, this->lockout_, &this->captcha_);
    LoginForm form;
    form.identifier = "2850775123456";
    form.password = "Mauvais2024x";
    std::latch start(8);
    std::atomic<int> checked{0}, captcha_asked{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            start.arrive_and_wait();
            auto outcome = service.attempt(form, from_unix_seconds(t0));
            if (std::holds_alternative<WrongCredentials>(outcome)) ++checked;
            if (auto* refused = std::get_if<CaptchaRefused>(&outcome); refused && refused->missing) ++captcha_asked;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(checked.load(), 3);
    EXPECT_EQ(captcha_asked.load(), 5);
    EXPECT_EQ(this->captcha_.checks.load(), 0);
    // The three checked are counted as failures, and nothing stays reserved.
    auto key = lockout_key(this->protector_, *parse_login_identifier(form.identifier));
    auto state = storage::Lockouts(this->db()).get(key);
    EXPECT_EQ(state.failures, 3);
    EXPECT_EQ(state.reserved, 0);
    EXPECT_FALSE(state.reserved_at.has_value());
}

}  // namespace
}  // namespace caf::account::password_login
