// The French identity document of a person creating an account (SPEC.md §4): its type, number
// and date of issue, checked for format and dates here; a verification service (format only for
// now, an external registry later) confirms the document.
//
// Number formats (ANTS specimens):
//   carte d'identité française: 12 letters or digits (card issued before August 2021), or the
//     9 letters or digits of the card in credit-card format issued since then;
//   passeport français: 9 letters or digits ("12AB34567");
//   titre de séjour français: 10 digits (the number of the residence permit).
// Spaces are ignored and letters upper-cased before checking.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caf::account::creation {

enum class IdentityDocumentType { carte_identite, titre_sejour, passeport };

// Form values: "cni", "titre-sejour", "passeport".
std::string_view to_string(IdentityDocumentType type) noexcept;
std::optional<IdentityDocumentType> parse_identity_document_type(std::string_view text) noexcept;
// "Carte d'identité française", ...
std::string_view label(IdentityDocumentType type) noexcept;
// "Numéro de carte d'identité", ...
std::string_view number_label(IdentityDocumentType type) noexcept;

struct IdentityDocument {
    IdentityDocumentType type = IdentityDocumentType::carte_identite;
    std::string number;  // normalised: no spaces, upper case
    std::chrono::year_month_day issued_on;
};

// Spaces removed, ASCII letters upper-cased.
std::string normalise_document_number(std::string_view typed);
bool well_formed_document_number(IdentityDocumentType type, std::string_view normalised);

enum class IdentityDocumentField { type, number, issue_date };
struct IdentityDocumentProblem {
    IdentityDocumentField field;
    std::string message;  // French, shown on the field
};

// The document typed on the form, or every problem found, each on its field: the number's format
// for the type, the date of issue (JJ/MM/AAAA, not in the future, not before the birth date).
struct IdentityDocumentCheck {
    std::optional<IdentityDocument> document;
    std::vector<IdentityDocumentProblem> problems;
};
IdentityDocumentCheck check_identity_document(std::string_view type, std::string_view number,
                                              std::string_view issue_date, std::chrono::year_month_day birth_date,
                                              std::chrono::year_month_day today);

enum class DocumentVerification { confirmed, rejected, unavailable };

// The seam for the verification of a document against the issuing authority's registry. An
// `unavailable` answer does not block the creation: the account is then flagged
// documents_required, as when no document is given.
class IdentityDocumentVerifier {
public:
    virtual ~IdentityDocumentVerifier() = default;
    virtual DocumentVerification verify(const IdentityDocument& document) = 0;
};

// Confirms every document whose number has the format of its type.
class FormatOnlyDocumentVerifier final : public IdentityDocumentVerifier {
public:
    DocumentVerification verify(const IdentityDocument& document) override;
};

// "JJ/MM/AAAA" (spaces around ignored) as a real calendar date.
std::optional<std::chrono::year_month_day> parse_french_date(std::string_view typed);
std::string french_date(std::chrono::year_month_day date);  // "15/06/1963"
std::string iso_date(std::chrono::year_month_day date);     // "1963-06-15"
std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text);

}  // namespace caf::account::creation
