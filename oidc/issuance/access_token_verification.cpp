// Access token checks shared by the resource-side endpoints.
#include "oidc/issuance/access_token_verification.hpp"

#include "core/text.hpp"
#include "oidc/issuance/token_minting.hpp"
#include "oidc/jose/jws.hpp"

namespace caf::oidc::issuance {
namespace {

unexpected<std::string> refuse(std::string why) { return unexpected<std::string>{std::move(why)}; }

bool is_access_token_typ(const nlohmann::json& header) {
    auto it = header.find("typ");
    if (it == header.end() || !it->is_string()) return false;
    const std::string typ = text::lower_ascii(it->get<std::string>());
    // RFC 9068 §4: "at+jwt", or its full media type.
    return typ == access_token_typ || typ == "application/at+jwt";
}

}  // namespace

expected<nlohmann::json, std::string> decode_access_token(ProviderContext& ctx, std::string_view token, TimePoint now) {
    auto keys = ctx.keys.jwks(now);
    auto verified = jose::verify(token, keys, {jose::Algorithm::RS256, jose::Algorithm::ES256});
    if (!verified) return refuse("access token signature not accepted");
    // An ID token is signed by the same keys: the typ keeps one from being used as the other.
    if (!is_access_token_typ(verified->header)) return refuse("not an access token");
    auto claims = nlohmann::json::parse(verified->payload, nullptr, false);
    if (!claims.is_object()) return refuse("malformed access token");
    auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string() || iss->get_ref<const std::string&>() != ctx.issuer())
        return refuse("access token from another issuer");
    auto jti = claims.find("jti");
    if (jti == claims.end() || !jti->is_string()) return refuse("access token without jti");
    return claims;
}

expected<ActiveAccessToken, std::string> verify_active_access_token(ProviderContext& ctx, std::string_view token,
                                                                    TimePoint now) {
    auto claims = decode_access_token(ctx, token, now);
    if (!claims) return unexpected<std::string>{claims.error()};
    const auto now_s = to_unix_seconds(now);
    auto exp = claims->find("exp");
    if (exp == claims->end() || !exp->is_number_integer() || exp->get<std::int64_t>() <= now_s)
        return refuse("access token expired");
    auto record = storage::AccessTokens(ctx.db).find(claims->at("jti").get<std::string>());
    if (!record) return refuse("unknown access token");
    if (record->revoked_at) return refuse("access token revoked");
    if (record->expires_at <= now_s) return refuse("access token expired");
    return ActiveAccessToken{std::move(*claims), std::move(*record)};
}

}  // namespace caf::oidc::issuance
