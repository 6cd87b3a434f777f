#include "providers/callback_validation.hpp"

#include "core/acr.hpp"
#include "core/http.hpp"
#include "oidc/jose/claims.hpp"
#include "oidc/jose/errors.hpp"
#include "oidc/jose/jws.hpp"

#include <algorithm>
#include <system_error>
#include <utility>

namespace caf::providers {

namespace jose = oidc::jose;
using jose::jose_error;

namespace {

unexpected<CallbackError> fail(CallbackErrorReason reason) {
    std::string message;
    switch (reason) {
        case CallbackErrorReason::configuration:
            message = "La connexion avec ce fournisseur d'identité est mal configurée.";
            break;
        case CallbackErrorReason::acr_insufficient:
            message = "Le niveau de sécurité de votre identification est insuffisant.";
            break;
        case CallbackErrorReason::expired:
        case CallbackErrorReason::invalid_times:
            message = "La réponse du fournisseur d'identité a expiré. Veuillez recommencer.";
            break;
        case CallbackErrorReason::userinfo_not_signed:
        case CallbackErrorReason::userinfo_invalid:
        case CallbackErrorReason::userinfo_subject_mismatch:
            message = "Les informations d'identité reçues sont invalides. Veuillez recommencer.";
            break;
        default:
            message = "La réponse du fournisseur d'identité est invalide. Veuillez recommencer.";
            break;
    }
    return unexpected<CallbackError>{CallbackError{reason, std::move(message)}};
}

CallbackErrorReason reason_for(std::error_code ec) {
    if (ec == jose_error::alg_none || ec == jose_error::alg_not_allowed ||
        ec == jose_error::unsupported_alg || ec == jose_error::missing_alg ||
        ec == jose_error::crit_not_supported)
        return CallbackErrorReason::algorithm_not_allowed;
    if (ec == jose_error::unknown_kid || ec == jose_error::missing_kid)
        return CallbackErrorReason::unknown_key;
    if (ec == jose_error::invalid_signature || ec == jose_error::key_type_mismatch ||
        ec == jose_error::key_alg_mismatch || ec == jose_error::key_use_mismatch ||
        ec == jose_error::weak_key)
        return CallbackErrorReason::bad_signature;
    if (ec == jose_error::iss_mismatch) return CallbackErrorReason::issuer_mismatch;
    if (ec == jose_error::aud_mismatch || ec == jose_error::azp_missing ||
        ec == jose_error::azp_mismatch)
        return CallbackErrorReason::audience_mismatch;
    if (ec == jose_error::expired) return CallbackErrorReason::expired;
    if (ec == jose_error::exp_invalid || ec == jose_error::iat_invalid ||
        ec == jose_error::iat_in_future || ec == jose_error::nbf_invalid ||
        ec == jose_error::not_yet_valid || ec == jose_error::auth_time_invalid ||
        ec == jose_error::auth_time_too_old)
        return CallbackErrorReason::invalid_times;
    if (ec == jose_error::nonce_mismatch) return CallbackErrorReason::nonce_mismatch;
    return CallbackErrorReason::malformed_token;
}

// The allow-list actually used: HS256 only under the v1 profile; empty means misconfigured.
std::optional<std::vector<jose::Algorithm>> effective_algorithms(const ExpectedAuthorization& e) {
    if (e.allowed_algorithms.empty()) return std::nullopt;
    const bool has_hs = std::find(e.allowed_algorithms.begin(), e.allowed_algorithms.end(),
                                  jose::Algorithm::HS256) != e.allowed_algorithms.end();
    if (has_hs) {
        if (e.profile != ProviderProfile::franceconnect_v1) return std::nullopt;
        // v1 signs with the client secret only: never mix HS256 with asymmetric algorithms.
        if (e.allowed_algorithms.size() != 1 || e.client_secret.empty()) return std::nullopt;
    }
    return e.allowed_algorithms;
}

// Signature check with the right key source: the client secret for HS256 (v1), else the JWKS.
expected<jose::Verified, std::error_code> verify_token(const ExpectedAuthorization& expect,
                                                       const std::vector<jose::Algorithm>& algs,
                                                       const jose::JwkSet& keys,
                                                       std::string_view token) {
    if (algs.size() == 1 && algs.front() == jose::Algorithm::HS256) {
        const jose::SecretResolver resolver{expect.client_secret};
        return jose::verify(token, resolver, algs);
    }
    return jose::verify(token, keys, algs);
}

bool configuration_ok(const ExpectedAuthorization& e) {
    return !e.issuer.empty() && !e.client_id.empty() && !e.nonce.empty() &&
           acr_rank(e.minimum_acr).has_value() && e.max_clock_skew.count() >= 0;
}

bool audience_contains(const nlohmann::json& aud, const std::string& client_id) {
    if (aud.is_string()) return aud.get<std::string>() == client_id;
    if (!aud.is_array()) return false;
    return std::any_of(aud.begin(), aud.end(), [&](const nlohmann::json& a) {
        return a.is_string() && a.get<std::string>() == client_id;
    });
}

}  // namespace

std::string_view to_string(CallbackErrorReason reason) noexcept {
    switch (reason) {
        case CallbackErrorReason::configuration: return "configuration";
        case CallbackErrorReason::malformed_token: return "malformed_token";
        case CallbackErrorReason::algorithm_not_allowed: return "algorithm_not_allowed";
        case CallbackErrorReason::unknown_key: return "unknown_key";
        case CallbackErrorReason::bad_signature: return "bad_signature";
        case CallbackErrorReason::issuer_mismatch: return "issuer_mismatch";
        case CallbackErrorReason::audience_mismatch: return "audience_mismatch";
        case CallbackErrorReason::expired: return "expired";
        case CallbackErrorReason::invalid_times: return "invalid_times";
        case CallbackErrorReason::nonce_mismatch: return "nonce_mismatch";
        case CallbackErrorReason::acr_insufficient: return "acr_insufficient";
        case CallbackErrorReason::missing_subject: return "missing_subject";
        case CallbackErrorReason::userinfo_not_signed: return "userinfo_not_signed";
        case CallbackErrorReason::userinfo_invalid: return "userinfo_invalid";
        case CallbackErrorReason::userinfo_subject_mismatch: return "userinfo_subject_mismatch";
    }
    return "unknown";
}

std::optional<int> acr_rank(std::string_view acr) noexcept { return acr::eidas_rank(acr); }

expected<ValidatedIdentity, CallbackError> validate_id_token(const ExpectedAuthorization& expect,
                                                             const jose::JwkSet& keys,
                                                             std::string_view id_token,
                                                             TimePoint now) {
    const auto algs = effective_algorithms(expect);
    if (!algs || !configuration_ok(expect)) return fail(CallbackErrorReason::configuration);

    auto verified = verify_token(expect, *algs, keys, id_token);
    if (!verified) return fail(reason_for(verified.error()));

    nlohmann::json claims = nlohmann::json::parse(verified->payload, nullptr, false);
    if (claims.is_discarded() || !claims.is_object())
        return fail(CallbackErrorReason::malformed_token);

    jose::Expectations expectations;
    expectations.issuer = expect.issuer;
    expectations.audience = expect.client_id;
    expectations.nonce = expect.nonce;
    expectations.now = now;
    expectations.leeway = expect.max_clock_skew;
    if (const auto ec = jose::validate_claims(claims, expectations)) return fail(reason_for(ec));

    ValidatedIdentity identity;
    const auto sub = claims.find("sub");
    if (sub == claims.end() || !sub->is_string() || sub->get<std::string>().empty())
        return fail(CallbackErrorReason::missing_subject);
    identity.sub = sub->get<std::string>();

    const auto acr = claims.find("acr");
    if (acr == claims.end() || !acr->is_string())
        return fail(CallbackErrorReason::acr_insufficient);
    const auto rank = acr_rank(acr->get<std::string>());
    if (!rank || *rank < *acr_rank(expect.minimum_acr))
        return fail(CallbackErrorReason::acr_insufficient);
    identity.acr = acr->get<std::string>();

    if (const auto amr = claims.find("amr"); amr != claims.end()) {
        if (!amr->is_array()) return fail(CallbackErrorReason::malformed_token);
        for (const auto& method : *amr) {
            if (!method.is_string()) return fail(CallbackErrorReason::malformed_token);
            identity.amr.push_back(method.get<std::string>());
        }
    }
    identity.claims = std::move(claims);
    return identity;
}

expected<ValidatedIdentity, CallbackError> validate_userinfo(const ExpectedAuthorization& expect,
                                                             const jose::JwkSet& keys,
                                                             const ValidatedIdentity& id_token,
                                                             const UserinfoResponse& userinfo,
                                                             TimePoint now) {
    const auto algs = effective_algorithms(expect);
    if (!algs || !configuration_ok(expect)) return fail(CallbackErrorReason::configuration);

    nlohmann::json claims;
    if (expect.userinfo_signed) {
        // The media type must say JWT; a JSON object (signed nothing) is refused outright.
        if (http::media_type(userinfo.content_type) != "application/jwt") return fail(CallbackErrorReason::userinfo_not_signed);

        std::string body = userinfo.body;
        while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' '))
            body.pop_back();
        auto verified = verify_token(expect, *algs, keys, body);
        if (!verified) {
            const auto reason = reason_for(verified.error());
            return fail(reason == CallbackErrorReason::malformed_token
                            ? CallbackErrorReason::userinfo_not_signed
                            : reason);
        }
        claims = nlohmann::json::parse(verified->payload, nullptr, false);
        if (claims.is_discarded() || !claims.is_object())
            return fail(CallbackErrorReason::userinfo_invalid);

        if (const auto iss = claims.find("iss"); iss != claims.end()) {
            if (!iss->is_string() || iss->get<std::string>() != expect.issuer)
                return fail(CallbackErrorReason::issuer_mismatch);
        }
        if (const auto aud = claims.find("aud"); aud != claims.end()) {
            if (!audience_contains(*aud, expect.client_id))
                return fail(CallbackErrorReason::audience_mismatch);
        }
        if (const auto exp = claims.find("exp"); exp != claims.end()) {
            if (!exp->is_number()) return fail(CallbackErrorReason::invalid_times);
            const auto deadline = std::chrono::seconds{exp->get<long long>()} + expect.max_clock_skew;
            if (now.time_since_epoch() >= deadline) return fail(CallbackErrorReason::expired);
        }
    } else {
        claims = nlohmann::json::parse(userinfo.body, nullptr, false);
        if (claims.is_discarded() || !claims.is_object())
            return fail(CallbackErrorReason::userinfo_invalid);
    }

    const auto sub = claims.find("sub");
    if (sub == claims.end() || !sub->is_string())
        return fail(CallbackErrorReason::userinfo_invalid);
    if (sub->get<std::string>() != id_token.sub)
        return fail(CallbackErrorReason::userinfo_subject_mismatch);

    ValidatedIdentity result;
    result.sub = id_token.sub;
    result.acr = id_token.acr;
    result.amr = id_token.amr;
    result.claims = std::move(claims);
    return result;
}

expected<ValidatedIdentity, CallbackError> validate_callback(const ExpectedAuthorization& expect,
                                                             const jose::JwkSet& keys,
                                                             std::string_view id_token,
                                                             const UserinfoResponse& userinfo,
                                                             TimePoint now) {
    auto identity = validate_id_token(expect, keys, id_token, now);
    if (!identity) return identity;
    return validate_userinfo(expect, keys, *identity, userinfo, now);
}

}  // namespace caf::providers
