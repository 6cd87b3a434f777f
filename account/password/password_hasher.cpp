// Argon2id through libargon2, with our own strict reader of PHC strings so that a corrupt stored
// value can neither crash the process nor make it allocate gigabytes.
#include "account/password/password_hasher.hpp"

#include <argon2.h>

#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "core/crypto.hpp"

namespace caf::account {
namespace {

// Bounds on what a stored PHC string may ask for; above them it is corrupt or hostile, not a
// configuration we would ever choose.
constexpr std::uint32_t max_memory_kib = 1u << 20;  // 1 GiB
constexpr std::uint32_t max_iterations = 64;
constexpr std::uint32_t max_parallelism = 64;
constexpr std::size_t min_salt_len = 8;
constexpr std::size_t max_salt_len = 64;
constexpr std::size_t min_hash_len = 16;
constexpr std::size_t max_hash_len = 64;

constexpr char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The PHC format uses standard base64 without padding.
std::string b64_encode(std::string_view data) {
    std::string out;
    out.reserve((data.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(data[i]) << 16 |
                           static_cast<unsigned char>(data[i + 1]) << 8 |
                           static_cast<unsigned char>(data[i + 2]);
        out += b64_alphabet[(v >> 18) & 63];
        out += b64_alphabet[(v >> 12) & 63];
        out += b64_alphabet[(v >> 6) & 63];
        out += b64_alphabet[v & 63];
    }
    const std::size_t rest = data.size() - i;
    if (rest == 1) {
        const unsigned v = static_cast<unsigned char>(data[i]) << 16;
        out += b64_alphabet[(v >> 18) & 63];
        out += b64_alphabet[(v >> 12) & 63];
    } else if (rest == 2) {
        const unsigned v = static_cast<unsigned char>(data[i]) << 16 |
                           static_cast<unsigned char>(data[i + 1]) << 8;
        out += b64_alphabet[(v >> 18) & 63];
        out += b64_alphabet[(v >> 12) & 63];
        out += b64_alphabet[(v >> 6) & 63];
    }
    return out;
}

int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::optional<std::string> b64_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = b64_value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    // Leftover bits must be zero, so one hash has exactly one spelling.
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

struct Phc {
    Argon2Params params;
    std::string salt;
    std::string hash;
};

// Consumes "<name>=<decimal>" at the front of `text`.
std::optional<std::uint32_t> take_number(std::string_view& text, std::string_view name) {
    if (text.substr(0, name.size()) != name || text.size() <= name.size() ||
        text[name.size()] != '=') {
        return std::nullopt;
    }
    text.remove_prefix(name.size() + 1);
    if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{}) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

bool take_literal(std::string_view& text, std::string_view literal) {
    if (text.substr(0, literal.size()) != literal) return false;
    text.remove_prefix(literal.size());
    return true;
}

// "$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>", nothing else.
std::optional<Phc> parse_phc(std::string_view text) {
    if (!take_literal(text, "$argon2id$")) return std::nullopt;
    const auto version = take_number(text, "v");
    if (!version || *version != ARGON2_VERSION_13 || !take_literal(text, "$")) return std::nullopt;
    const auto m = take_number(text, "m");
    if (!m || !take_literal(text, ",")) return std::nullopt;
    const auto t = take_number(text, "t");
    if (!t || !take_literal(text, ",")) return std::nullopt;
    const auto p = take_number(text, "p");
    if (!p || !take_literal(text, "$")) return std::nullopt;

    const auto dollar = text.find('$');
    if (dollar == std::string_view::npos) return std::nullopt;
    auto salt = b64_decode(text.substr(0, dollar));
    auto hash = b64_decode(text.substr(dollar + 1));
    if (!salt || !hash) return std::nullopt;

    if (*p < 1 || *p > max_parallelism || *t < 1 || *t > max_iterations ||
        *m < 8 * *p || *m > max_memory_kib || salt->size() < min_salt_len ||
        salt->size() > max_salt_len || hash->size() < min_hash_len ||
        hash->size() > max_hash_len) {
        return std::nullopt;
    }
    Phc phc;
    phc.params = Argon2Params{*m, *t, *p, static_cast<std::uint32_t>(salt->size()),
                              static_cast<std::uint32_t>(hash->size())};
    phc.salt = std::move(*salt);
    phc.hash = std::move(*hash);
    return phc;
}

// Raw Argon2id; nullopt when the library refuses (out of memory, absurd lengths).
std::optional<std::string> argon2id_raw(std::string_view password, std::string_view salt,
                                        const Argon2Params& params) {
    if (password.size() > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    std::string out(params.hash_len, '\0');
    const int rc = argon2id_hash_raw(params.iterations, params.memory_kib, params.parallelism,
                                     password.data(), password.size(), salt.data(), salt.size(),
                                     out.data(), out.size());
    if (rc != ARGON2_OK) return std::nullopt;
    return out;
}

std::string to_phc(const Argon2Params& params, std::string_view salt, std::string_view hash) {
    return "$argon2id$v=" + std::to_string(ARGON2_VERSION_13) +
           "$m=" + std::to_string(params.memory_kib) + ",t=" + std::to_string(params.iterations) +
           ",p=" + std::to_string(params.parallelism) + "$" + b64_encode(salt) + "$" +
           b64_encode(hash);
}

}  // namespace

bool needs_rehash(std::string_view phc, const Argon2Params& params) {
    const auto parsed = parse_phc(phc);
    return !parsed || !(parsed->params == params);
}

PasswordHasher::PasswordHasher(Argon2Params params, Random& random)
    : params_(params), random_(&random) {
    if (params.parallelism < 1 || params.parallelism > max_parallelism || params.iterations < 1 ||
        params.iterations > max_iterations || params.memory_kib < 8 * params.parallelism ||
        params.memory_kib > max_memory_kib || params.salt_len < min_salt_len ||
        params.salt_len > max_salt_len || params.hash_len < min_hash_len ||
        params.hash_len > max_hash_len) {
        throw std::invalid_argument(
            "argon2id parameters out of range: need p 1–64, t 1–64, m ≥ 8·p and ≤ 1048576 KiB, "
            "salt 8–64 bytes, hash 16–64 bytes");
    }
}

std::string PasswordHasher::hash(std::string_view password) const {
    std::string salt(params_.salt_len, '\0');
    random_->fill(std::as_writable_bytes(std::span<char>(salt.data(), salt.size())));
    const auto hash = argon2id_raw(password, salt, params_);
    if (!hash) throw std::runtime_error("argon2id hashing failed");
    return to_phc(params_, salt, *hash);
}

bool PasswordHasher::verify(std::string_view password, std::string_view phc) const {
    const auto parsed = parse_phc(phc);
    if (!parsed) return false;
    const auto computed = argon2id_raw(password, parsed->salt, parsed->params);
    if (!computed) return false;
    return crypto::constant_time_equal(*computed, parsed->hash);
}

bool PasswordHasher::dummy_verify(std::string_view password) const {
    // A fixed salt is fine: the result is thrown away; only the work matters.
    const std::string salt(params_.salt_len, 'S');
    (void)argon2id_raw(password, salt, params_);
    return false;
}

}  // namespace caf::account
