// OpenSSL-backed randomness and the token/digit helpers built on any Random.
#include "core/random.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>

#include "core/crypto.hpp"

namespace caf {

void SystemRandom::fill(std::span<std::byte> out) {
    if (out.empty()) return;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) != 1) {
        // Without a working CSPRNG no token is safe to hand out.
        std::abort();
    }
}

Random& system_random() {
    static SystemRandom instance;
    return instance;
}

std::string random_token(Random& random, std::size_t bytes) {
    std::string raw(bytes, '\0');
    random.fill(std::as_writable_bytes(std::span<char>(raw.data(), raw.size())));
    return crypto::base64url_encode(raw);
}

std::string random_digits(Random& random, std::size_t count) {
    std::string out;
    out.reserve(count);
    while (out.size() < count) {
        std::array<std::byte, 16> buffer{};
        random.fill(buffer);
        for (std::byte b : buffer) {
            auto v = std::to_integer<unsigned>(b);
            // Rejection sampling keeps the digits uniform: 250 is the largest multiple of 10 ≤ 256.
            if (v >= 250) continue;
            out.push_back(static_cast<char>('0' + v % 10));
            if (out.size() == count) break;
        }
    }
    return out;
}

}  // namespace caf
