// The admin API's request parsing (SPEC.md §10): paths, JSON bodies and the audit query, checked
// into values before anything touches the store. Every error names the field at fault and never
// repeats the value (it may be a NIR or contact data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "core/http.hpp"
#include "storage/audit_log.hpp"
#include "storage/dossiers.hpp"

namespace caf::account::admin {

inline constexpr std::string_view api_prefix = "/admin/v1";

// A 400 answer: {"error":"invalid_request","field":…,"message":…}.
struct RequestError {
    std::string field;  // "body", "nir", "role", "since", …
    std::string message;
};

// "/admin/v1/accounts/42/unlock" → {42, "unlock"}; nullopt for any other shape.
struct AccountPath {
    std::int64_t account_id = 0;
    std::string operation;  // "nir", "contact", "unlock", "revoke"
};
std::optional<AccountPath> parse_account_path(std::string_view path);

// "/admin/v1/dossiers/1234567" or "/admin/v1/dossiers/1234567/members/42".
struct DossierPath {
    std::string numero;                   // as in the path, checked by parse_dossier_number
    std::optional<std::int64_t> member;   // the account id after /members/
};
std::optional<DossierPath> parse_dossier_path(std::string_view path);

// A dossier (allocataire) number: 1 to 16 digits.
expected<std::string, RequestError> parse_dossier_number(std::string_view text);

// The body as a JSON object.
expected<nlohmann::json, RequestError> parse_json_object(std::string_view body);

// {"nir": "…"} (13 characters, key optional, spaces allowed) → the canonical 13 characters.
expected<std::string, RequestError> parse_nir_body(std::string_view body);

// {"verified": true|false}: whether the back office vouches for the account's civil status.
expected<bool, RequestError> parse_identity_body(std::string_view body);

// POST /admin/v1/accounts/lookup: {"nir": "…"} or {"provisional_id": "P…"}, one of them.
struct AccountLookup {
    std::optional<std::string> nir;             // canonical
    std::optional<std::string> provisional_id;  // "P" + 8 digits
};
expected<AccountLookup, RequestError> parse_lookup_body(std::string_view body);

// {"numero": "…"}.
expected<std::string, RequestError> parse_new_dossier_body(std::string_view body);

// {"role": "allocataire" | "conjoint" | "enfant" | "autre"}.
expected<storage::MemberRole, RequestError> parse_member_role_body(std::string_view body);

// SPEC.md §6, "demander à la CAF de mettre à jour les coordonnées". Each of "email" and "phone"
// is absent (unchanged), null (removed) or a value checked like the creation form's (an e-mail
// address; a mobile number of 10 digits starting 06 or 07, spaces, dots and dashes ignored).
// "email_verified"/"phone_verified" (default false) say the CAF checked it with the person.
struct ContactChange {
    std::optional<std::string> value;  // nullopt: removed
    bool verified = false;
};
struct ContactUpdate {
    std::optional<ContactChange> email;
    std::optional<ContactChange> phone;
};
expected<ContactUpdate, RequestError> parse_contact_update(std::string_view body);

// GET /admin/v1/audit: account_id, event, since, until, client_id, limit (1–500, default 100),
// cursor. since/until are Unix seconds or RFC 3339 UTC ("2024-03-08" or
// "2024-03-08T10:00:00Z"). Newest first.
struct AuditRequest {
    storage::AuditQuery query;  // limit one more than asked, to know whether a next page exists
    int limit = 100;
};
expected<AuditRequest, RequestError> parse_audit_request(const http::Params& params);

// The paging cursor: opaque to clients, the id of the last entry of the page (keyset paging on
// the append-only id, so new entries never shift a page).
std::string encode_cursor(std::int64_t last_id);
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

// Unix seconds, "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ".
std::optional<std::int64_t> parse_timestamp(std::string_view text);

}  // namespace caf::account::admin
