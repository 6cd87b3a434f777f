// JWK <-> EVP_PKEY conversion through OpenSSL 3's parameter API (no deprecated RSA/EC_KEY calls).
#include "oidc/jose/jwk.hpp"

#include "core/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <array>

namespace caf::oidc::jose {
namespace {

constexpr std::size_t p256_coordinate_size = 32;
constexpr std::size_t ed25519_key_size = 32;
constexpr int minimum_rsa_bits = 2048;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

expected<std::string, std::error_code> decode_member(const nlohmann::json& json, const char* name) {
    auto it = json.find(name);
    if (it == json.end() || !it->is_string()) return unexpected{make_error_code(jose_error::invalid_jwk)};
    auto decoded = crypto::base64url_decode(it->get_ref<const std::string&>());
    if (!decoded || decoded->empty()) return unexpected{make_error_code(jose_error::invalid_jwk)};
    return std::move(*decoded);
}

std::optional<std::string> string_member(const nlohmann::json& json, const char* name) {
    auto it = json.find(name);
    if (it == json.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::string bignum_bytes(const BIGNUM* bn) {
    std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

evp_pkey_ptr public_key_from_params(const char* type, const OSSL_PARAM* params) {
    evp_pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr)};
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1)
        return nullptr;
    return evp_pkey_ptr{raw};
}

evp_pkey_ptr rsa_public_key(std::string_view n, std::string_view e) {
    bignum_ptr bn_n{BN_bin2bn(bytes(n), static_cast<int>(n.size()), nullptr)};
    bignum_ptr bn_e{BN_bin2bn(bytes(e), static_cast<int>(e.size()), nullptr)};
    param_bld_ptr bld{OSSL_PARAM_BLD_new()};
    if (!bn_n || !bn_e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
        return nullptr;
    ossl_param_ptr params{OSSL_PARAM_BLD_to_param(bld.get())};
    return params ? public_key_from_params("RSA", params.get()) : nullptr;
}

evp_pkey_ptr p256_public_key(std::string_view x, std::string_view y) {
    std::string point = "\x04";  // uncompressed SEC1 point
    point.append(x).append(y);
    param_bld_ptr bld{OSSL_PARAM_BLD_new()};
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
        return nullptr;
    ossl_param_ptr params{OSSL_PARAM_BLD_to_param(bld.get())};
    if (!params) return nullptr;
    auto key = public_key_from_params("EC", params.get());
    if (!key) return nullptr;
    // An invalid-curve point would let a forged signature leak nothing here, but refusing it at
    // the door keeps every later use of the key honest.
    evp_pkey_ctx_ptr check{EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr)};
    if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
    return key;
}

bool is_p256(EVP_PKEY* key) {
    std::array<char, 64> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(), &length) != 1)
        return false;
    std::string_view name(group.data(), length);
    return name == "prime256v1" || name == "P-256";
}

}  // namespace

std::error_code check_key_for_algorithm(EVP_PKEY* key, Algorithm alg) {
    if (key == nullptr) return jose_error::key_type_mismatch;
    switch (alg) {
        case Algorithm::RS256:
        case Algorithm::PS256:
            if (!EVP_PKEY_is_a(key, "RSA")) return jose_error::key_type_mismatch;
            if (EVP_PKEY_get_bits(key) < minimum_rsa_bits) return jose_error::weak_key;
            return {};
        case Algorithm::ES256:
            if (!EVP_PKEY_is_a(key, "EC") || !is_p256(key)) return jose_error::key_type_mismatch;
            return {};
        case Algorithm::EdDSA:
            if (!EVP_PKEY_is_a(key, "ED25519")) return jose_error::key_type_mismatch;
            return {};
        case Algorithm::HS256:
            return jose_error::key_type_mismatch;  // a key pair is never an HMAC secret
    }
    return jose_error::key_type_mismatch;
}

expected<Jwk, std::error_code> Jwk::from_json(const nlohmann::json& json) {
    if (!json.is_object()) return unexpected{make_error_code(jose_error::invalid_jwk)};
    auto kty = string_member(json, "kty");
    if (!kty) return unexpected{make_error_code(jose_error::invalid_jwk)};

    Jwk jwk;
    if (*kty == "RSA") {
        auto n = decode_member(json, "n");
        auto e = decode_member(json, "e");
        if (!n || !e) return unexpected{make_error_code(jose_error::invalid_jwk)};
        jwk.type_ = KeyType::RSA;
        jwk.key_ = share(rsa_public_key(*n, *e));
        jwk.members_ = {{"kty", "RSA"}, {"n", json.at("n")}, {"e", json.at("e")}};
    } else if (*kty == "EC") {
        if (string_member(json, "crv") != "P-256") return unexpected{make_error_code(jose_error::unsupported_key_type)};
        auto x = decode_member(json, "x");
        auto y = decode_member(json, "y");
        if (!x || !y || x->size() != p256_coordinate_size || y->size() != p256_coordinate_size)
            return unexpected{make_error_code(jose_error::invalid_jwk)};
        jwk.type_ = KeyType::EC;
        jwk.key_ = share(p256_public_key(*x, *y));
        jwk.members_ = {{"kty", "EC"}, {"crv", "P-256"}, {"x", json.at("x")}, {"y", json.at("y")}};
    } else if (*kty == "OKP") {
        if (string_member(json, "crv") != "Ed25519") return unexpected{make_error_code(jose_error::unsupported_key_type)};
        auto x = decode_member(json, "x");
        if (!x || x->size() != ed25519_key_size) return unexpected{make_error_code(jose_error::invalid_jwk)};
        jwk.type_ = KeyType::OKP;
        jwk.key_ = share(evp_pkey_ptr{
            EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, bytes(*x), x->size())});
        jwk.members_ = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", json.at("x")}};
    } else {
        return unexpected{make_error_code(jose_error::unsupported_key_type)};
    }
    if (!jwk.key_) {
        ERR_clear_error();
        return unexpected{make_error_code(jose_error::invalid_jwk)};
    }

    for (const char* name : {"kid", "alg", "use"}) {
        auto it = json.find(name);
        if (it != json.end() && !it->is_string()) return unexpected{make_error_code(jose_error::invalid_jwk)};
    }
    jwk.kid_ = string_member(json, "kid").value_or("");
    jwk.alg_ = string_member(json, "alg");
    jwk.use_ = string_member(json, "use").value_or("");
    return jwk;
}

expected<Jwk, std::error_code> Jwk::from_key(EVP_PKEY* key) {
    if (key == nullptr) return unexpected{make_error_code(jose_error::invalid_jwk)};
    nlohmann::json members;
    if (EVP_PKEY_is_a(key, "RSA")) {
        BIGNUM* n = nullptr;
        BIGNUM* e = nullptr;
        int ok_n = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
        bignum_ptr owned_n{n};
        int ok_e = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
        bignum_ptr owned_e{e};
        if (ok_n != 1 || ok_e != 1) return unexpected{make_error_code(jose_error::invalid_jwk)};
        members = {{"kty", "RSA"},
                   {"n", crypto::base64url_encode(bignum_bytes(n))},
                   {"e", crypto::base64url_encode(bignum_bytes(e))}};
    } else if (EVP_PKEY_is_a(key, "EC")) {
        if (!is_p256(key)) return unexpected{make_error_code(jose_error::unsupported_key_type)};
        BIGNUM* x = nullptr;
        BIGNUM* y = nullptr;
        int ok_x = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x);
        bignum_ptr owned_x{x};
        int ok_y = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
        bignum_ptr owned_y{y};
        if (ok_x != 1 || ok_y != 1) return unexpected{make_error_code(jose_error::invalid_jwk)};
        std::string bx(p256_coordinate_size, '\0');
        std::string by(p256_coordinate_size, '\0');
        // RFC 7518 §6.2.1.2: coordinates are always the full field size, leading zeros kept.
        if (BN_bn2binpad(x, reinterpret_cast<unsigned char*>(bx.data()), static_cast<int>(bx.size())) < 0 ||
            BN_bn2binpad(y, reinterpret_cast<unsigned char*>(by.data()), static_cast<int>(by.size())) < 0)
            return unexpected{make_error_code(jose_error::invalid_jwk)};
        members = {{"kty", "EC"},
                   {"crv", "P-256"},
                   {"x", crypto::base64url_encode(bx)},
                   {"y", crypto::base64url_encode(by)}};
    } else if (EVP_PKEY_is_a(key, "ED25519")) {
        std::array<unsigned char, ed25519_key_size> raw{};
        std::size_t length = raw.size();
        if (EVP_PKEY_get_raw_public_key(key, raw.data(), &length) != 1 || length != raw.size())
            return unexpected{make_error_code(jose_error::invalid_jwk)};
        members = {{"kty", "OKP"},
                   {"crv", "Ed25519"},
                   {"x", crypto::base64url_encode({reinterpret_cast<const char*>(raw.data()), length})}};
    } else {
        return unexpected{make_error_code(jose_error::unsupported_key_type)};
    }
    // Rebuilding from the public members drops the private half for good.
    return from_json(members);
}

nlohmann::json Jwk::to_json() const {
    nlohmann::json out = members_;
    if (!kid_.empty()) out["kid"] = kid_;
    if (alg_) out["alg"] = *alg_;
    if (!use_.empty()) out["use"] = use_;
    return out;
}

std::string Jwk::thumbprint() const {
    // nlohmann::json keeps object members sorted and dump() adds no whitespace: exactly the
    // canonical form RFC 7638 §3.3 asks for, since every member value is an ASCII string.
    return crypto::base64url_encode(crypto::sha256(members_.dump()));
}

std::error_code Jwk::check_usable_for(Algorithm alg) const {
    if (!use_.empty() && use_ != "sig") return jose_error::key_use_mismatch;
    if (alg_ && *alg_ != to_string(alg)) return jose_error::key_alg_mismatch;
    return check_key_for_algorithm(key_.get(), alg);
}

expected<JwkSet, std::error_code> JwkSet::from_json(const nlohmann::json& json) {
    if (!json.is_object()) return unexpected{make_error_code(jose_error::invalid_jwk_set)};
    auto keys = json.find("keys");
    if (keys == json.end() || !keys->is_array()) return unexpected{make_error_code(jose_error::invalid_jwk_set)};
    JwkSet set;
    for (const auto& entry : *keys) {
        auto jwk = Jwk::from_json(entry);
        if (jwk) set.add(std::move(*jwk));
    }
    return set;
}

expected<JwkSet, std::error_code> JwkSet::parse(std::string_view text) {
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded()) return unexpected{make_error_code(jose_error::invalid_jwk_set)};
    return from_json(json);
}

const Jwk* JwkSet::find(std::string_view kid) const noexcept {
    for (const auto& key : keys_)
        if (key.kid() == kid) return &key;
    return nullptr;
}

nlohmann::json JwkSet::to_json() const {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : keys_) keys.push_back(key.to_json());
    return {{"keys", std::move(keys)}};
}

}  // namespace caf::oidc::jose
