// JSON claims as an upstream ID token or userinfo carries them: RFC 7519 / OIDC claim checks,
// then the FranceConnect identity pivot (with a claim-name mapping) and the person record
// round trip the store relies on.
#include <chrono>
#include <map>

#include <nlohmann/json.hpp>

#include "account/identity/person_record.hpp"
#include "oidc/jose/claims.hpp"
#include "providers/identity_pivot.hpp"
#include "fuzz_support.hpp"

using namespace caf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto claims = nlohmann::json::parse(fuzz::as_text(data, size), nullptr, false);
    if (claims.is_discarded()) return 0;

    oidc::jose::Expectations expect;
    expect.issuer = "https://fcp-low.integ01.dev-franceconnect.fr/api/v2";
    expect.audience = "caf-connect";
    expect.nonce = "n-0S6_WzA2Mj";
    expect.now = TimePoint{std::chrono::seconds{1767225600}};
    expect.max_age = std::chrono::seconds{300};
    if (!oidc::jose::validate_claims(claims, expect)) {
        FUZZ_CHECK(claims.at("iss") == expect.issuer);
        FUZZ_CHECK(claims.at("nonce") == *expect.nonce);
        FUZZ_CHECK(claims.contains("exp") && claims.contains("iat") && claims.contains("auth_time"));
    }
    expect.nonce.reset();
    expect.max_age.reset();
    expect.azp = "caf-connect";
    if (!oidc::jose::validate_claims(claims, expect)) FUZZ_CHECK(claims.at("azp") == "caf-connect");

    const std::map<std::string, std::string> names{{"given_name", "prenoms"}, {"family_name", "nom"}};
    for (const auto& pivot : {claims, providers::with_pivot_names(claims, names)}) {
        auto person = providers::person_from_pivot(pivot);
        if (!person) continue;
        FUZZ_CHECK(account::is_iso_date(person->birth_date));
        FUZZ_CHECK(person->civilite == "Madame" || person->civilite == "Monsieur");
        FUZZ_CHECK(person->born_abroad() == person->birth_place.empty());
        auto stored = account::person_from_json(account::to_json(*person));
        FUZZ_CHECK(stored.has_value());
        FUZZ_CHECK(account::pivot_key(*stored) == account::pivot_key(*person));
        FUZZ_CHECK(account::normalise_name(account::normalise_name(person->birth_name)) ==
                   account::normalise_name(person->birth_name));
    }
    if (claims.is_object()) (void)account::person_from_json(claims);
    return 0;
}
