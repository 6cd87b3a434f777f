// Identity document checks: formats per type, dates of issue.
#include "account/creation/identity_document.hpp"

#include <algorithm>
#include <cstdio>

#include "core/text.hpp"

namespace caf::account::creation {
namespace {

using text::trim;

bool all_of(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string_view to_string(IdentityDocumentType type) noexcept {
    switch (type) {
        case IdentityDocumentType::carte_identite: return "cni";
        case IdentityDocumentType::titre_sejour: return "titre-sejour";
        case IdentityDocumentType::passeport: return "passeport";
    }
    return "";
}

std::optional<IdentityDocumentType> parse_identity_document_type(std::string_view text) noexcept {
    for (auto t : {IdentityDocumentType::carte_identite, IdentityDocumentType::titre_sejour, IdentityDocumentType::passeport})
        if (to_string(t) == text) return t;
    return std::nullopt;
}

std::string_view label(IdentityDocumentType type) noexcept {
    switch (type) {
        case IdentityDocumentType::carte_identite: return "Carte d'identité française";
        case IdentityDocumentType::titre_sejour: return "Titre de séjour français";
        case IdentityDocumentType::passeport: return "Passeport français";
    }
    return "";
}

std::string_view number_label(IdentityDocumentType type) noexcept {
    switch (type) {
        case IdentityDocumentType::carte_identite: return "Numéro de carte d'identité";
        case IdentityDocumentType::titre_sejour: return "Numéro de titre de séjour";
        case IdentityDocumentType::passeport: return "Numéro de passeport";
    }
    return "";
}

std::string normalise_document_number(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == ' ' || c == '\t') continue;
        out += (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c;
    }
    return out;
}

bool well_formed_document_number(IdentityDocumentType type, std::string_view n) {
    switch (type) {
        case IdentityDocumentType::carte_identite: return (n.size() == 12 || n.size() == 9) && all_of(n, is_alnum);
        case IdentityDocumentType::passeport: return n.size() == 9 && all_of(n, is_alnum);
        case IdentityDocumentType::titre_sejour: return n.size() == 10 && all_of(n, is_digit);
    }
    return false;
}

IdentityDocumentCheck check_identity_document(std::string_view type_text, std::string_view number_text,
                                              std::string_view issue_text, std::chrono::year_month_day birth_date,
                                              std::chrono::year_month_day today) {
    IdentityDocumentCheck out;
    auto type = parse_identity_document_type(type_text);
    if (!type) out.problems.push_back({IdentityDocumentField::type, "Veuillez sélectionner votre pièce d'identité."});

    const auto number = normalise_document_number(number_text);
    if (number.empty()) {
        out.problems.push_back({IdentityDocumentField::number, "Veuillez saisir le numéro de votre pièce d'identité."});
    } else if (type && !well_formed_document_number(*type, number)) {
        std::string message;
        switch (*type) {
            case IdentityDocumentType::carte_identite:
                message = "Le numéro de carte d'identité comporte 12 caractères (ancienne carte) ou 9 caractères "
                          "(nouvelle carte), lettres et chiffres uniquement.";
                break;
            case IdentityDocumentType::passeport:
                message = "Le numéro de passeport comporte 9 caractères, lettres et chiffres uniquement.";
                break;
            case IdentityDocumentType::titre_sejour:
                message = "Le numéro de titre de séjour comporte 10 chiffres.";
                break;
        }
        out.problems.push_back({IdentityDocumentField::number, std::move(message)});
    }

    auto issued = parse_french_date(issue_text);
    if (trim(issue_text).empty()) {
        out.problems.push_back({IdentityDocumentField::issue_date, "Veuillez saisir la date de délivrance."});
    } else if (!issued) {
        out.problems.push_back({IdentityDocumentField::issue_date,
                                "La date de délivrance doit être une date valide au format JJ/MM/AAAA."});
    } else if (std::chrono::sys_days(*issued) > std::chrono::sys_days(today)) {
        out.problems.push_back({IdentityDocumentField::issue_date, "La date de délivrance ne peut pas être dans le futur."});
    } else if (std::chrono::sys_days(*issued) < std::chrono::sys_days(birth_date)) {
        out.problems.push_back({IdentityDocumentField::issue_date,
                                "La date de délivrance ne peut pas être antérieure à votre date de naissance."});
    }
    if (out.problems.empty()) out.document = IdentityDocument{*type, number, *issued};
    return out;
}

DocumentVerification FormatOnlyDocumentVerifier::verify(const IdentityDocument& document) {
    return well_formed_document_number(document.type, document.number) ? DocumentVerification::confirmed
                                                                       : DocumentVerification::rejected;
}

std::optional<std::chrono::year_month_day> parse_french_date(std::string_view typed) {
    auto t = trim(typed);
    if (t.size() != 10 || t[2] != '/' || t[5] != '/') return std::nullopt;
    for (std::size_t i : {0, 1, 3, 4, 6, 7, 8, 9})
        if (!is_digit(t[i])) return std::nullopt;
    int d = std::stoi(t.substr(0, 2)), m = std::stoi(t.substr(3, 2)), y = std::stoi(t.substr(6, 4));
    std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(m)), std::chrono::day(unsigned(d))};
    if (!ymd.ok() || y < 1880) return std::nullopt;
    return ymd;
}

std::string french_date(std::chrono::year_month_day date) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", unsigned(date.day()), unsigned(date.month()), int(date.year()));
    return buf;
}

std::string iso_date(std::chrono::year_month_day date) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(date.year()), unsigned(date.month()), unsigned(date.day()));
    return buf;
}

std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    std::string s(text);
    return parse_french_date(s.substr(8, 2) + "/" + s.substr(5, 2) + "/" + s.substr(0, 4));
}

}  // namespace caf::account::creation
