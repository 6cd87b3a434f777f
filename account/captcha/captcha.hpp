// The login and recovery captcha (SPEC.md §3 "Vérification de sécurité — Saisir les caractères
// ci-dessus"): a one-use challenge bound to the form and to the browser, checked on the server.
// CaptchaProvider is the seam for an external captcha service chosen by config.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "storage/database.hpp"

namespace caf::account {

// Upper-case letters and digits that are not mistaken for one another once drawn: no 0/O/Q/D,
// 1/I, 5/S, 2/Z, 8/B, 6/G, 9, V (V/U/Y). The person may type them in lower case.
inline constexpr std::string_view captcha_alphabet = "ACEFHJKLMNPRTUWXY347";
inline constexpr std::size_t captcha_length = 6;

// Names of the form fields, shared by the templates and the handlers.
namespace captcha_field {
inline constexpr const char* answer = "captcha";
inline constexpr const char* id = "captcha_id";
}  // namespace captcha_field

// Path of the image route; a challenge's image is at "/captcha/<id>.png".
inline constexpr std::string_view captcha_path_prefix = "/captcha/";

struct CaptchaConfig {
    std::chrono::seconds validity{5 * 60};
};

// What a page needs to show a challenge, whatever the provider.
struct CaptchaPrompt {
    std::string id;         // the hidden field captcha_id
    std::string image_url;  // "/captcha/<id>.png"
    std::string alt;        // the image's alt text
};

class CaptchaProvider {
public:
    virtual ~CaptchaProvider() = default;
    // A new challenge for the browser identified by `binding` (see CaptchaService::issue).
    virtual CaptchaPrompt prompt(std::string_view binding, TimePoint now) = 0;
    // True once: the answer matches the challenge `id` issued for `binding` and still alive.
    // Any check, right or wrong, uses the challenge up.
    virtual bool check(std::string_view id, std::string_view typed, std::string_view binding, TimePoint now) = 0;
};

struct Challenge {
    std::string id;      // 128 random bits, base64url (22 characters)
    std::string answer;  // captcha_length characters of captcha_alphabet
};

// The built-in provider: challenges are rows of verification_codes (purpose "captcha", one try,
// short validity) keyed by an HMAC of the id, holding only an HMAC of the binding and the answer.
// The answer itself is derived from the id with the server secret, so the image route can draw
// it on any node without the answer ever being stored.
class CaptchaService final : public CaptchaProvider {
public:
    static constexpr std::string_view purpose = "captcha";

    // `secret`: at least 32 bytes, the same on every node. Throws std::invalid_argument otherwise
    // (a startup error).
    CaptchaService(storage::Database& db, std::string secret, Random& random, CaptchaConfig config = {});

    // `binding` ties the challenge to the browser: pass the form's CSRF token (it is an HMAC of
    // the CSRF cookie), and at check time the posted one, once CsrfGuard::verify accepted it.
    Challenge issue(storage::Connection& c, std::string_view binding, TimePoint now);
    Challenge issue(std::string_view binding, TimePoint now);

    CaptchaPrompt prompt(std::string_view binding, TimePoint now) override;

    // Case and spaces are ignored; the comparison of digests is constant time. A wrong answer,
    // another binding, a used or expired challenge all fail, and the challenge is spent.
    bool check(storage::Connection& c, std::string_view id, std::string_view typed, std::string_view binding,
               TimePoint now);
    bool check(std::string_view id, std::string_view typed, std::string_view binding, TimePoint now) override;

    // The PNG of a challenge that can still be answered; nullopt for an unknown, used or expired
    // id. The same id always gives the same picture (noise included), so reloading it hands a
    // reader no second sample of the letters.
    std::optional<std::string> image(std::string_view id, TimePoint now) const;

    const CaptchaConfig& config() const { return config_; }

private:
    std::string answer_for(std::string_view id) const;
    std::string subject_for(std::string_view id) const;
    std::string answer_digest(std::string_view binding, std::string_view normalised_answer) const;

    storage::Database& db_;
    std::string secret_;
    Random& random_;
    CaptchaConfig config_;
};

// The suggested alt text of the image.
inline constexpr std::string_view captcha_alt =
    "Vérification de sécurité : image contenant 6 caractères (lettres et chiffres) à recopier";

// The answer as compared: spaces removed, ASCII letters upper-cased.
std::string normalise_captcha_answer(std::string_view typed);

// True for the shape of an id issue() gives (22 base64url characters).
bool well_formed_captcha_id(std::string_view id);

// "/captcha/<id>.png"
std::string captcha_image_url(std::string_view id);

}  // namespace caf::account
