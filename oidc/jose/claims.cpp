// JWT claim checks; times compare in seconds as doubles because NumericDate may be fractional.
#include "oidc/jose/claims.hpp"

#include "core/crypto.hpp"

#include <algorithm>

namespace caf::oidc::jose {
namespace {

enum class Presence { absent, invalid, present };

struct NumericDate {
    Presence presence = Presence::absent;
    double seconds = 0;
};

NumericDate numeric_date(const nlohmann::json& payload, const char* name) {
    auto it = payload.find(name);
    if (it == payload.end()) return {};
    if (!it->is_number()) return {Presence::invalid, 0};
    return {Presence::present, it->get<double>()};
}

double seconds_since_epoch(TimePoint t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

bool string_claim_equals(const nlohmann::json& payload, const char* name, const std::string& expected) {
    auto it = payload.find(name);
    return it != payload.end() && it->is_string() && it->get_ref<const std::string&>() == expected;
}

// "aud" as a string or an array of strings; returns the number of audiences, 0 when absent,
// ill-typed or not containing `audience`.
std::size_t audience_count_if_member(const nlohmann::json& payload, const std::string& audience) {
    auto it = payload.find("aud");
    if (it == payload.end()) return 0;
    if (it->is_string()) return it->get_ref<const std::string&>() == audience ? 1 : 0;
    if (!it->is_array() || it->empty()) return 0;
    bool found = false;
    for (const auto& entry : *it) {
        if (!entry.is_string()) return 0;
        if (entry.get_ref<const std::string&>() == audience) found = true;
    }
    return found ? it->size() : 0;
}

}  // namespace

std::error_code validate_claims(const nlohmann::json& payload, const Expectations& expect) {
    if (!payload.is_object()) return jose_error::invalid_claims;
    if (!string_claim_equals(payload, "iss", expect.issuer)) return jose_error::iss_mismatch;

    std::size_t audiences = audience_count_if_member(payload, expect.audience);
    if (audiences == 0) return jose_error::aud_mismatch;
    const std::string& authorized_party = expect.azp ? *expect.azp : expect.audience;
    if (payload.contains("azp")) {
        if (!string_claim_equals(payload, "azp", authorized_party)) return jose_error::azp_mismatch;
    } else if (audiences > 1 || expect.azp) {
        // Several audiences: the token must say which one it was issued to (OIDC Core §2).
        return jose_error::azp_missing;
    }

    const double now = seconds_since_epoch(expect.now);
    const double leeway = static_cast<double>(expect.leeway.count());

    auto exp = numeric_date(payload, "exp");
    if (exp.presence == Presence::invalid || (exp.presence == Presence::absent && expect.require_exp))
        return jose_error::exp_invalid;
    if (exp.presence == Presence::present && now >= exp.seconds + leeway) return jose_error::expired;

    auto nbf = numeric_date(payload, "nbf");
    if (nbf.presence == Presence::invalid) return jose_error::nbf_invalid;
    if (nbf.presence == Presence::present && nbf.seconds > now + leeway) return jose_error::not_yet_valid;

    auto iat = numeric_date(payload, "iat");
    if (iat.presence == Presence::invalid || (iat.presence == Presence::absent && expect.require_iat))
        return jose_error::iat_invalid;
    if (iat.presence == Presence::present && iat.seconds > now + leeway) return jose_error::iat_in_future;

    if (expect.nonce) {
        auto it = payload.find("nonce");
        // The nonce binds the token to the browser that started the flow: compare it like a secret.
        if (it == payload.end() || !it->is_string() ||
            !crypto::constant_time_equal(it->get_ref<const std::string&>(), *expect.nonce))
            return jose_error::nonce_mismatch;
    }

    if (expect.max_age) {
        auto auth_time = numeric_date(payload, "auth_time");
        if (auth_time.presence != Presence::present) return jose_error::auth_time_invalid;
        if (now > auth_time.seconds + static_cast<double>(expect.max_age->count()) + leeway)
            return jose_error::auth_time_too_old;
    }
    return {};
}

}  // namespace caf::oidc::jose
