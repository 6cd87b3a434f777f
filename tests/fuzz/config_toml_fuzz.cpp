// TOML configuration text through the loader and its validation: a bad file is a ConfigError
// naming the key and the reason, never another exception, a crash or a hang.
#include <cstdlib>

#include "config/config.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        (void)caf::config::load_text(caf::fuzz::as_text(data, size), "fuzz.toml");
    } catch (const caf::config::ConfigError& e) {
        FUZZ_CHECK(e.file == "fuzz.toml");
        FUZZ_CHECK(!e.reason.empty());
    }
    const auto parts = caf::fuzz::fields(caf::fuzz::as_text(data, size), 2);
    (void)caf::config::parse_listen(parts[0]);
    (void)caf::config::parse_day(parts[1]);
    return 0;
}
