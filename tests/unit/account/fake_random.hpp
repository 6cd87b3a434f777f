// A deterministic caf::Random for tests: a counter run through a small mixing function, so
// successive draws differ and runs repeat.
#pragma once

#include <cstdint>

#include "core/random.hpp"

namespace caf::account::test {

class FakeRandom final : public Random {
public:
    explicit FakeRandom(std::uint64_t seed = 1) : state_(seed) {}
    void fill(std::span<std::byte> out) override {
        for (auto& b : out) {
            // splitmix64: good enough spread for tests, and never stuck on one value.
            std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            b = static_cast<std::byte>(z ^ (z >> 31));
        }
    }

private:
    std::uint64_t state_;
};

}  // namespace caf::account::test
