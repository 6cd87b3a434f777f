// The NIR / état civil agreement rules: sex digit, birth year and month, birth département.
#include "account/identifiers/nir_agreement.hpp"

namespace caf::account {
namespace {

// The département part of an INSEE commune code: 3 characters overseas (97x, 98x), else 2.
std::string_view departement_of_commune(std::string_view commune_code) {
    if (commune_code.size() < 2) return commune_code;
    const std::string_view head = commune_code.substr(0, 2);
    if ((head == "97" || head == "98") && commune_code.size() >= 3) return commune_code.substr(0, 3);
    return head;
}

bool same_departement(std::string_view from_nir, std::string_view from_commune) {
    if (from_nir == from_commune) return true;
    // People born in Corsica before the 1976 split kept "20" in their NIR, while the commune's
    // code today is 2A… or 2B…: both sides name Corsica.
    if (from_nir == "20" && (from_commune == "2A" || from_commune == "2B")) return true;
    return false;
}

bool place_agrees(const Nir& nir, const BirthPlace& place) {
    if (nir.born_abroad() != place.abroad) return false;
    if (place.abroad) {
        // When the country is known, the NIR's last 3 digits of the place are its INSEE code.
        if (place.country_code.size() == 5) {
            return nir.commune_or_country() == std::string_view{place.country_code}.substr(2, 3);
        }
        return true;
    }
    std::string upper = place.commune_code;
    for (char& c : upper) {
        if (c == 'a' || c == 'b') c = static_cast<char>(c - 'a' + 'A');
    }
    return same_departement(nir.departement(), departement_of_commune(upper));
}

}  // namespace

CivilStatusField field_of(NirDisagreement disagreement) noexcept {
    switch (disagreement) {
        case NirDisagreement::civility:
            return CivilStatusField::civility;
        case NirDisagreement::birth_year:
        case NirDisagreement::birth_month:
            return CivilStatusField::birth_date;
        case NirDisagreement::birth_place:
            return CivilStatusField::birth_place;
    }
    return CivilStatusField::birth_date;
}

std::string_view message(NirDisagreement disagreement) noexcept {
    switch (disagreement) {
        case NirDisagreement::civility:
            return "La civilité ne correspond pas à votre numéro de Sécurité sociale (1er "
                   "chiffre).";
        case NirDisagreement::birth_year:
            return "L'année de naissance ne correspond pas à votre numéro de Sécurité sociale "
                   "(2e et 3e chiffres).";
        case NirDisagreement::birth_month:
            return "Le mois de naissance ne correspond pas à votre numéro de Sécurité sociale "
                   "(4e et 5e chiffres).";
        case NirDisagreement::birth_place:
            return "Le lieu de naissance ne correspond pas à votre numéro de Sécurité sociale "
                   "(département de naissance, ou 99 pour une naissance à l'étranger).";
    }
    return "Vos informations ne correspondent pas à votre numéro de Sécurité sociale.";
}

std::vector<NirDisagreement> check_agreement(const Nir& nir, const CivilStatus& civil_status) {
    std::vector<NirDisagreement> out;

    const Sex expected_sex = civil_status.civility == Civility::monsieur ? Sex::male : Sex::female;
    if (nir.sex() != expected_sex) out.push_back(NirDisagreement::civility);

    const int year = static_cast<int>(civil_status.birth_date.year());
    if (((year % 100) + 100) % 100 != nir.birth_year()) out.push_back(NirDisagreement::birth_year);

    const auto month = static_cast<int>(static_cast<unsigned>(civil_status.birth_date.month()));
    if (nir.birth_month_known() && nir.birth_month_code() != month) {
        out.push_back(NirDisagreement::birth_month);
    }

    if (!place_agrees(nir, civil_status.birth_place)) out.push_back(NirDisagreement::birth_place);
    return out;
}

}  // namespace caf::account
