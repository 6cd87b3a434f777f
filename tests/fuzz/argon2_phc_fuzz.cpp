// Argon2id PHC strings as an import file or a corrupt store may hold them: the strict reader must
// refuse what it cannot use without asking libargon2 for absurd work, and hash → verify and
// hash → needs_rehash agree.
#include "account/password/password_hasher.hpp"
#include "core/random.hpp"
#include "fuzz_support.hpp"

using namespace caf;
using namespace caf::account;

namespace {

// Deterministic, so a crash replays; the salt's quality does not matter here.
struct CountingRandom final : Random {
    std::uint8_t next = 0;
    void fill(std::span<std::byte> out) override {
        for (auto& b : out) b = static_cast<std::byte>(next++);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = fuzz::fields(fuzz::as_text(data, size), 2);
    const std::string_view phc = parts[0];
    const std::string_view password = parts[1].substr(0, 128);

    // The smallest parameters Argon2id takes, so a verify costs microseconds.
    static CountingRandom random;
    static const Argon2Params tiny{8, 1, 1, 16, 32};
    static const PasswordHasher hasher{tiny, random};

    (void)needs_rehash(phc, Argon2Params{});
    // Only a string with exactly the tiny parameters reaches libargon2.
    if (!needs_rehash(phc, tiny)) {
        const bool ok = hasher.verify(password, phc);
        (void)ok;
    }
    const std::string made = hasher.hash(password);
    FUZZ_CHECK(made.starts_with("$argon2id$v=19$m=8,t=1,p=1$"));
    FUZZ_CHECK(!needs_rehash(made, tiny));
    FUZZ_CHECK(needs_rehash(made, Argon2Params{}));
    FUZZ_CHECK(hasher.verify(password, made));
    FUZZ_CHECK(!hasher.verify(std::string(password) + "x", made));
    return 0;
}
