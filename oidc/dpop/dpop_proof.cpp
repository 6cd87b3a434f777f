// DPoP proof checks. The key is the one the proof carries (that is the point of DPoP), but only
// once it is known to be a public key of an allowed type; the signature is checked by the same
// JWS code as every other token.
#include "oidc/dpop/dpop_proof.hpp"

#include <cmath>

#include "core/crypto.hpp"
#include "core/text.hpp"
#include "oidc/jose/jwk.hpp"
#include "oidc/jose/jws.hpp"

namespace caf::oidc::dpop {
namespace {

unexpected<ProofError> refuse(ProofError e) { return unexpected<ProofError>{e}; }

// The key embedded in the proof, whatever the kid.
class EmbeddedKey final : public jose::KeyResolver {
public:
    explicit EmbeddedKey(const jose::Jwk& jwk) : jwk_(jwk) {}
    expected<jose::VerificationKey, std::error_code> resolve(const std::optional<std::string>&,
                                                             jose::Algorithm alg) const override {
        if (jose::is_symmetric(alg)) return unexpected{make_error_code(jose::jose_error::key_type_mismatch)};
        return jose::VerificationKey{jwk_};
    }

private:
    const jose::Jwk& jwk_;
};

// RFC 7517/7518 private members of RSA, EC, OKP, and the secret of an oct key.
bool has_private_members(const nlohmann::json& jwk) {
    for (const char* name : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
        if (jwk.contains(name)) return true;
    return false;
}

ProofError from_jose(std::error_code ec) {
    using jose::jose_error;
    if (ec == jose_error::missing_alg || ec == jose_error::alg_none || ec == jose_error::unsupported_alg ||
        ec == jose_error::alg_not_allowed)
        return ProofError::alg_not_allowed;
    if (ec == jose_error::invalid_signature) return ProofError::bad_signature;
    if (ec == jose_error::key_type_mismatch || ec == jose_error::key_alg_mismatch ||
        ec == jose_error::key_use_mismatch || ec == jose_error::weak_key)
        return ProofError::invalid_jwk;
    return ProofError::malformed;
}

std::optional<std::string> string_member(const nlohmann::json& json, const char* name) {
    auto it = json.find(name);
    if (it == json.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

}  // namespace

std::string_view describe(ProofError e) noexcept {
    switch (e) {
        case ProofError::multiple_headers: return "exactly one DPoP header is allowed";
        case ProofError::malformed: return "the DPoP proof is not a well-formed JWS";
        case ProofError::wrong_typ: return "the DPoP proof typ must be dpop+jwt";
        case ProofError::alg_not_allowed: return "the DPoP proof alg must be ES256, EdDSA or RS256";
        case ProofError::invalid_jwk: return "the DPoP proof jwk is missing or unusable";
        case ProofError::private_jwk: return "the DPoP proof jwk must be a public key";
        case ProofError::bad_signature: return "the DPoP proof signature does not verify";
        case ProofError::wrong_htm: return "the DPoP proof htm does not match the request method";
        case ProofError::wrong_htu: return "the DPoP proof htu does not match the endpoint";
        case ProofError::iat_out_of_window: return "the DPoP proof iat is missing, too old or in the future";
        case ProofError::missing_jti: return "the DPoP proof has no jti";
        case ProofError::wrong_ath: return "the DPoP proof ath does not match the access token";
    }
    return "invalid DPoP proof";
}

std::string access_token_hash(std::string_view access_token) {
    return crypto::base64url_encode(crypto::sha256(access_token));
}

std::optional<std::string> normalise_htu(std::string_view url) {
    auto cut = url.find_first_of("?#");
    if (cut != std::string_view::npos) url = url.substr(0, cut);
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const std::string scheme = text::lower_ascii(std::string(url.substr(0, scheme_end)));
    if (scheme != "https" && scheme != "http") return std::nullopt;
    auto rest = url.substr(scheme_end + 3);
    auto path_start = rest.find('/');
    auto authority = rest.substr(0, path_start);
    std::string path = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
    // userinfo in an htu is never ours
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
    std::string host = text::lower_ascii(std::string(authority));
    const std::string default_port = scheme == "https" ? ":443" : ":80";
    auto port = host.rfind(':');
    if (port != std::string::npos && host.find(']', port) == std::string::npos && host.substr(port) == default_port)
        host.erase(port);
    return scheme + "://" + host + path;
}

expected<std::optional<std::string>, ProofError> dpop_header(const http::Headers& headers) {
    std::optional<std::string> found;
    for (const auto& [name, value] : headers.fields()) {
        if (!text::iequals(name, "DPoP")) continue;
        if (found) return refuse(ProofError::multiple_headers);
        found = value;
    }
    return found;
}

expected<ValidProof, ProofError> check_proof(std::string_view proof, const ProofExpectations& expect) {
    auto header = jose::read_unverified_header(proof);
    if (!header) return refuse(ProofError::malformed);
    if (string_member(*header, "typ") != "dpop+jwt") return refuse(ProofError::wrong_typ);
    auto jwk_member = header->find("jwk");
    if (jwk_member == header->end() || !jwk_member->is_object()) return refuse(ProofError::invalid_jwk);
    if (has_private_members(*jwk_member)) return refuse(ProofError::private_jwk);
    auto jwk = jose::Jwk::from_json(*jwk_member);
    if (!jwk) return refuse(ProofError::invalid_jwk);

    auto verified = jose::verify(proof, EmbeddedKey{*jwk}, proof_algorithms());
    if (!verified) return refuse(from_jose(verified.error()));
    auto claims = nlohmann::json::parse(verified->payload, nullptr, false);
    if (!claims.is_object()) return refuse(ProofError::malformed);

    if (string_member(claims, "htm") != expect.method) return refuse(ProofError::wrong_htm);
    auto htu = string_member(claims, "htu");
    auto presented_htu = htu ? normalise_htu(*htu) : std::nullopt;
    auto expected_htu = normalise_htu(expect.url);
    if (!presented_htu || !expected_htu || *presented_htu != *expected_htu) return refuse(ProofError::wrong_htu);

    auto iat = claims.find("iat");
    if (iat == claims.end() || !iat->is_number() || !std::isfinite(iat->get<double>()))
        return refuse(ProofError::iat_out_of_window);
    const double issued = iat->get<double>();
    const double now = static_cast<double>(to_unix_seconds(expect.now));
    const double window = static_cast<double>(expect.window.count());
    if (issued < now - window || issued > now + window) return refuse(ProofError::iat_out_of_window);

    auto jti = string_member(claims, "jti");
    if (!jti || jti->empty()) return refuse(ProofError::missing_jti);

    if (expect.access_token) {
        auto ath = string_member(claims, "ath");
        if (!ath || !crypto::constant_time_equal(*ath, access_token_hash(*expect.access_token)))
            return refuse(ProofError::wrong_ath);
    }
    return ValidProof{jwk->thumbprint(), std::move(*jti), std::move(*expected_htu),
                      static_cast<std::int64_t>(std::floor(issued)), string_member(claims, "nonce")};
}

}  // namespace caf::oidc::dpop
