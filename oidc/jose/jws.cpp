// JWS compact sign and verify; the order of the checks is the policy: shape, header, algorithm,
// key, signature — the payload is handed out only after the signature verifies.
#include "oidc/jose/jws.hpp"

#include "core/crypto.hpp"
#include "core/text.hpp"
#include "oidc/jose/signature.hpp"

#include <algorithm>
#include <set>

namespace caf::oidc::jose {
namespace {

// HMAC-SHA-256 keys shorter than the digest are refused (RFC 7518 §3.2).
constexpr std::size_t minimum_secret_size = 32;

struct Segments {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
    std::string_view signing_input;
};

expected<Segments, std::error_code> split(std::string_view token) {
    auto first = token.find('.');
    if (first == std::string_view::npos) return unexpected{make_error_code(jose_error::malformed_token)};
    auto second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
        return unexpected{make_error_code(jose_error::malformed_token)};
    Segments s{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1),
               token.substr(0, second)};
    // An empty payload is legal JWS; an empty header or signature is not.
    if (s.header.empty() || s.signature.empty()) return unexpected{make_error_code(jose_error::malformed_token)};
    return s;
}

// Parses the header, refusing duplicate members: RFC 7515 §5.2 allows "last one wins", but two
// "alg" members are an attempt to make two parsers disagree.
expected<nlohmann::json, std::error_code> parse_header(std::string_view encoded) {
    auto text = crypto::base64url_decode(encoded);
    if (!text) return unexpected{make_error_code(jose_error::invalid_base64url)};
    std::set<std::string> seen;
    bool duplicate = false;
    auto reject_duplicates = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        if (event == nlohmann::json::parse_event_t::key && depth == 1 &&
            !seen.insert(parsed.get<std::string>()).second)
            duplicate = true;
        return true;
    };
    auto header = nlohmann::json::parse(*text, reject_duplicates, false);
    if (header.is_discarded() || !header.is_object() || duplicate)
        return unexpected{make_error_code(jose_error::invalid_header)};
    return header;
}

expected<Algorithm, std::error_code> header_algorithm(const nlohmann::json& header,
                                                      const std::vector<Algorithm>& allowed) {
    auto it = header.find("alg");
    if (it == header.end()) return unexpected{make_error_code(jose_error::missing_alg)};
    if (!it->is_string()) return unexpected{make_error_code(jose_error::invalid_header)};
    const auto& name = it->get_ref<const std::string&>();
    if (text::iequals(name, "none")) return unexpected{make_error_code(jose_error::alg_none)};
    auto alg = parse_algorithm(name);
    if (!alg) return unexpected{make_error_code(jose_error::unsupported_alg)};
    if (std::find(allowed.begin(), allowed.end(), *alg) == allowed.end())
        return unexpected{make_error_code(jose_error::alg_not_allowed)};
    return *alg;
}

std::error_code check_signature(Algorithm alg, const VerificationKey& key, std::string_view input,
                                std::string_view signature) {
    if (is_symmetric(alg)) {
        const auto* secret = std::get_if<Secret>(&key);
        if (secret == nullptr) return jose_error::key_type_mismatch;
        if (secret->bytes.size() < minimum_secret_size) return jose_error::weak_key;
        auto expected_mac = crypto::hmac_sha256(secret->bytes, input);
        return crypto::constant_time_equal(expected_mac, signature) ? std::error_code{}
                                                                     : make_error_code(jose_error::invalid_signature);
    }
    const auto* jwk = std::get_if<Jwk>(&key);
    if (jwk == nullptr) return jose_error::key_type_mismatch;
    if (auto ec = jwk->check_usable_for(alg)) return ec;
    return verify_with_key(alg, jwk->public_key(), input, signature) ? std::error_code{}
                                                                     : make_error_code(jose_error::invalid_signature);
}

}  // namespace

expected<VerificationKey, std::error_code> JwkSetResolver::resolve(const std::optional<std::string>& kid,
                                                                   Algorithm alg) const {
    if (is_symmetric(alg)) return unexpected{make_error_code(jose_error::key_type_mismatch)};
    if (kid) {
        std::error_code first_failure;
        for (const auto& key : keys_.keys()) {
            if (key.kid() != *kid) continue;
            auto ec = key.check_usable_for(alg);
            if (!ec) return VerificationKey{key};
            if (!first_failure) first_failure = ec;
        }
        return unexpected{first_failure ? first_failure : make_error_code(jose_error::unknown_kid)};
    }
    const Jwk* match = nullptr;
    for (const auto& key : keys_.keys()) {
        if (key.check_usable_for(alg)) continue;
        if (match != nullptr) return unexpected{make_error_code(jose_error::missing_kid)};
        match = &key;
    }
    if (match == nullptr) {
        return unexpected{make_error_code(keys_.empty() ? jose_error::unknown_kid : jose_error::key_type_mismatch)};
    }
    return VerificationKey{*match};
}

expected<VerificationKey, std::error_code> SecretResolver::resolve(const std::optional<std::string>&,
                                                                   Algorithm alg) const {
    if (!is_symmetric(alg)) return unexpected{make_error_code(jose_error::key_type_mismatch)};
    return VerificationKey{secret_};
}

expected<std::string, std::error_code> sign(nlohmann::json header_fields, std::string_view payload,
                                            const SigningKey& key, Algorithm alg) {
    if (header_fields.is_null()) header_fields = nlohmann::json::object();
    if (!header_fields.is_object()) return unexpected{make_error_code(jose_error::invalid_header)};
    header_fields["alg"] = to_string(alg);
    if (!key.kid.empty())
        header_fields["kid"] = key.kid;
    else
        header_fields.erase("kid");
    std::string input = crypto::base64url_encode(header_fields.dump()) + '.' + crypto::base64url_encode(payload);

    std::string signature;
    if (is_symmetric(alg)) {
        const auto* secret = std::get_if<Secret>(&key.material);
        if (secret == nullptr) return unexpected{make_error_code(jose_error::key_type_mismatch)};
        if (secret->bytes.size() < minimum_secret_size) return unexpected{make_error_code(jose_error::weak_key)};
        signature = crypto::hmac_sha256(secret->bytes, input);
    } else {
        const auto* pkey = std::get_if<shared_pkey>(&key.material);
        if (pkey == nullptr || !*pkey) return unexpected{make_error_code(jose_error::key_type_mismatch)};
        if (auto ec = check_key_for_algorithm(pkey->get(), alg)) return unexpected{ec};
        auto signed_bytes = sign_with_key(alg, pkey->get(), input);
        if (!signed_bytes) return unexpected{signed_bytes.error()};
        signature = std::move(*signed_bytes);
    }
    return input + '.' + crypto::base64url_encode(signature);
}

expected<Verified, std::error_code> verify(std::string_view token, const KeyResolver& keys,
                                           const std::vector<Algorithm>& allowed) {
    auto segments = split(token);
    if (!segments) return unexpected{segments.error()};
    auto header = parse_header(segments->header);
    if (!header) return unexpected{header.error()};
    auto alg = header_algorithm(*header, allowed);
    if (!alg) return unexpected{alg.error()};
    // Nothing here understands an extension, so a token that says one is critical is refused.
    if (header->contains("crit")) return unexpected{make_error_code(jose_error::crit_not_supported)};

    std::optional<std::string> kid;
    if (auto it = header->find("kid"); it != header->end()) {
        if (!it->is_string()) return unexpected{make_error_code(jose_error::invalid_header)};
        kid = it->get<std::string>();
    }
    auto payload = crypto::base64url_decode(segments->payload);
    auto signature = crypto::base64url_decode(segments->signature);
    if (!payload || !signature) return unexpected{make_error_code(jose_error::invalid_base64url)};

    auto key = keys.resolve(kid, *alg);
    if (!key) return unexpected{key.error()};
    if (auto ec = check_signature(*alg, *key, segments->signing_input, *signature)) return unexpected{ec};
    return Verified{std::move(*header), std::move(*payload)};
}

expected<Verified, std::error_code> verify(std::string_view token, const JwkSet& keys,
                                           const std::vector<Algorithm>& allowed) {
    return verify(token, JwkSetResolver{keys}, allowed);
}

expected<nlohmann::json, std::error_code> read_unverified_header(std::string_view token) {
    auto segments = split(token);
    if (!segments) return unexpected{segments.error()};
    return parse_header(segments->header);
}

}  // namespace caf::oidc::jose
