// OpenSSL EVP implementations of the shared digests, MACs, encodings and AES-256-GCM.
#include "core/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace caf::crypto {
namespace {

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

struct CipherCtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

constexpr std::size_t gcm_nonce_size = 12;
constexpr std::size_t gcm_tag_size = 16;

constexpr char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char b64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode64(std::string_view data, const char* alphabet, bool pad) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = (unsigned(static_cast<unsigned char>(data[i])) << 16) |
                     (unsigned(static_cast<unsigned char>(data[i + 1])) << 8) |
                     unsigned(static_cast<unsigned char>(data[i + 2]));
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    std::size_t rest = data.size() - i;
    if (rest > 0) {
        unsigned v = unsigned(static_cast<unsigned char>(data[i])) << 16;
        if (rest == 2) v |= unsigned(static_cast<unsigned char>(data[i + 1])) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (rest == 2) out += alphabet[(v >> 6) & 63];
        if (pad) out.append(rest == 1 ? "==" : "=");
    }
    return out;
}

int decode_char(char c, bool url) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (url ? c == '-' : c == '+') return 62;
    if (url ? c == '_' : c == '/') return 63;
    return -1;
}

std::optional<std::string> decode64(std::string_view text, bool url) {
    if (!url) {
        if (text.size() % 4 != 0) return std::nullopt;
        while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    }
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        int v = decode_char(c, url);
        if (v < 0) return std::nullopt;
        buffer = (buffer << 6) | unsigned(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    // Non-canonical encodings (leftover bits set) are refused so one value has one spelling.
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace

std::string sha256(std::string_view data) {
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), mac.data(),
              &length))
        throw std::runtime_error("HMAC-SHA256 failed");
    return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64url_encode(std::string_view data) { return encode64(data, b64url_alphabet, false); }
std::optional<std::string> base64url_decode(std::string_view text) { return decode64(text, true); }
std::string base64_encode(std::string_view data) { return encode64(data, b64_alphabet, true); }
std::optional<std::string> base64_decode(std::string_view text) { return decode64(text, false); }

std::string hex_encode(std::string_view data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (unsigned char c : data) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int hi = nibble(text[i]), lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi << 4 | lo);
    }
    return out;
}

std::string aes256gcm_seal(std::string_view key, std::string_view plaintext, std::string_view associated) {
    if (key.size() != 32) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
    std::string out(gcm_nonce_size + plaintext.size() + gcm_tag_size, '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    if (RAND_bytes(nonce, gcm_nonce_size) != 1) throw std::runtime_error("RAND_bytes failed");
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int length = 0;
    auto* cipher_out = nonce + gcm_nonce_size;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), nonce) != 1 ||
        (!associated.empty() &&
         EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes(associated), static_cast<int>(associated.size())) != 1) ||
        EVP_EncryptUpdate(ctx.get(), cipher_out, &length, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), cipher_out + length, &length) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, gcm_tag_size, cipher_out + plaintext.size()) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    return out;
}

std::optional<std::string> aes256gcm_open(std::string_view key, std::string_view sealed,
                                          std::string_view associated) {
    if (key.size() != 32 || sealed.size() < gcm_nonce_size + gcm_tag_size) return std::nullopt;
    auto nonce = bytes(sealed);
    std::size_t text_size = sealed.size() - gcm_nonce_size - gcm_tag_size;
    std::string out(text_size, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int length = 0;
    auto* plain = reinterpret_cast<unsigned char*>(out.data());
    // The tag must be set before EVP_DecryptFinal_ex; OpenSSL takes a non-const pointer here.
    std::string tag(sealed.substr(gcm_nonce_size + text_size));
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), nonce) != 1 ||
        (!associated.empty() &&
         EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes(associated), static_cast<int>(associated.size())) != 1) ||
        EVP_DecryptUpdate(ctx.get(), plain, &length, nonce + gcm_nonce_size, static_cast<int>(text_size)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, gcm_tag_size, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), plain + length, &length) != 1)
        return std::nullopt;
    return out;
}

}  // namespace caf::crypto
