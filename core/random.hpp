// Randomness comes in from outside: production reads OpenSSL's CSPRNG, tests may inject a
// deterministic source.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace caf {

struct Random {
    virtual ~Random() = default;
    virtual void fill(std::span<std::byte> out) = 0;
};

// OpenSSL RAND_bytes; aborts the process if the generator fails (nothing safe can follow).
struct SystemRandom final : Random {
    void fill(std::span<std::byte> out) override;
};

// The process-wide default generator.
Random& system_random();

// `bytes` random bytes, base64url without padding (tokens, session and interaction ids).
std::string random_token(Random& random, std::size_t bytes = 32);
// `count` decimal digits, uniformly distributed (verification codes).
std::string random_digits(Random& random, std::size_t count);

}  // namespace caf
