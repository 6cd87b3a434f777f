// Verification of ID token hints against our own JWKS.
#include "oidc/authorize/id_token_hint.hpp"

#include "oidc/jose/jws.hpp"

namespace caf::oidc {

std::optional<std::string> IdTokenHint::client_id() const {
    if (azp) return azp;
    if (audiences.size() == 1) return audiences.front();
    return std::nullopt;
}

std::optional<IdTokenHint> verify_id_token_hint(const ProviderContext& ctx, std::string_view token) {
    if (token.empty() || token.size() > 16 * 1024) return std::nullopt;
    auto keys = ctx.keys.jwks(ctx.clock.now());
    auto verified = jose::verify(token, keys, {jose::Algorithm::RS256, jose::Algorithm::ES256});
    if (!verified) return std::nullopt;
    auto payload = nlohmann::json::parse(verified->payload, nullptr, false);
    if (!payload.is_object()) return std::nullopt;

    auto iss = payload.find("iss");
    if (iss == payload.end() || !iss->is_string() || iss->get_ref<const std::string&>() != ctx.issuer())
        return std::nullopt;
    auto sub = payload.find("sub");
    if (sub == payload.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) return std::nullopt;

    IdTokenHint hint;
    hint.subject = sub->get<std::string>();
    auto aud = payload.find("aud");
    if (aud == payload.end()) return std::nullopt;
    if (aud->is_string()) {
        hint.audiences.push_back(aud->get<std::string>());
    } else if (aud->is_array()) {
        for (const auto& entry : *aud) {
            if (!entry.is_string()) return std::nullopt;
            hint.audiences.push_back(entry.get<std::string>());
        }
    }
    if (hint.audiences.empty()) return std::nullopt;
    if (auto azp = payload.find("azp"); azp != payload.end()) {
        if (!azp->is_string()) return std::nullopt;
        hint.azp = azp->get<std::string>();
    }
    if (auto sid = payload.find("sid"); sid != payload.end() && sid->is_string()) hint.sid = sid->get<std::string>();
    return hint;
}

}  // namespace caf::oidc
