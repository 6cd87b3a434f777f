// Claims from the sealed civil status and contact data of an account.
#include "account/claims/account_claims.hpp"

#include <algorithm>

#include "account/households/dossier_claim.hpp"
#include "account/identity/sealed_person.hpp"
#include "storage/accounts.hpp"

namespace caf::account {
namespace {

bool has_scope(const std::vector<std::string>& scopes, std::string_view scope) {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

}  // namespace

std::string french_phone_e164(const std::string& phone) {
    if (phone.size() == 10 && phone[0] == '0' && phone.find_first_not_of("0123456789") == std::string::npos)
        return "+33" + phone.substr(1);
    return phone;
}

std::optional<nlohmann::json> account_claims(storage::Database& db, const PersonalDataProtector& protector,
                                             std::int64_t account_id, const std::vector<std::string>& scopes,
                                             bool include_nir) {
    auto account = storage::Accounts(db).find(account_id);
    if (!account || account->status != "active") return std::nullopt;

    nlohmann::json claims = nlohmann::json::object();
    if (has_scope(scopes, "profile")) {
        if (auto person = open_person(protector, *account)) {
            claims["given_name"] = person->first_names;
            claims["family_name"] = person->birth_name;
            if (!person->usage_name.empty()) claims["preferred_username"] = person->usage_name;
            claims["birthdate"] = person->birth_date;
            if (person->civilite == "Monsieur") claims["gender"] = "male";
            else if (person->civilite == "Madame") claims["gender"] = "female";
            // FranceConnect's pivot shape: "" for people born abroad.
            claims["birthplace"] = person->born_abroad() ? std::string() : person->birth_place;
            claims["birthcountry"] = person->birth_country;
        }
    }
    if (has_scope(scopes, "email") && account->email_sealed) {
        if (auto email = protector.open(PersonalDataKind::email, *account->email_sealed)) {
            claims["email"] = *email;
            claims["email_verified"] = account->email_verified;
        }
    }
    if (has_scope(scopes, "phone") && account->phone_sealed) {
        if (auto phone = protector.open(PersonalDataKind::phone, *account->phone_sealed)) {
            claims["phone_number"] = french_phone_e164(*phone);
            claims["phone_number_verified"] = account->phone_verified;
        }
    }
    if (has_scope(scopes, "caf_dossier")) {
        if (auto dossier = households::dossier_claim(db, protector, account_id)) claims["caf_dossier"] = *dossier;
    }
    if (include_nir && account->nir_sealed) {
        if (auto nir = protector.open(PersonalDataKind::nir, *account->nir_sealed)) claims["caf_nir"] = *nir;
    }
    return claims;
}

}  // namespace caf::account
