// Argon2id password hashing (SPEC.md §2): per-password random salt, PHC strings in the store,
// rehash when the configured parameters change. Blocking CPU and memory work: call it from the
// worker pool, never from a network thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.hpp"

namespace caf::account {

// Defaults are the OWASP floor for Argon2id (19 MiB, 2 passes, 1 lane).
struct Argon2Params {
    std::uint32_t memory_kib = 19456;
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;
    std::uint32_t salt_len = 16;
    std::uint32_t hash_len = 32;

    friend bool operator==(const Argon2Params&, const Argon2Params&) = default;
};

// True when a PHC string was not made with exactly these parameters (or cannot be read): the
// login rehashes the password it has just verified.
bool needs_rehash(std::string_view phc, const Argon2Params& params);

class PasswordHasher {
public:
    // Throws std::invalid_argument for parameters Argon2 refuses: a configuration error, found at
    // startup.
    PasswordHasher(Argon2Params params, Random& random);

    // "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" (unpadded standard base64), as libargon2
    // writes it. Throws std::runtime_error if Argon2 cannot run (out of memory).
    std::string hash(std::string_view password) const;

    // Constant-time comparison with the stored hash, using the parameters written in the PHC
    // string. A malformed or unsupported string, or one asking for absurd resources, is false.
    bool verify(std::string_view password, std::string_view phc) const;

    bool needs_rehash(std::string_view phc) const { return account::needs_rehash(phc, params_); }

    // The same Argon2id work as verify() with the current parameters, for an identifier that
    // has no account, so the answer's timing does not tell whether the account exists. Always
    // false.
    bool dummy_verify(std::string_view password) const;

    const Argon2Params& params() const noexcept { return params_; }

private:
    Argon2Params params_;
    Random* random_;
};

}  // namespace caf::account
