// The admin API's operations (SPEC.md §10): what a back-office client may do to accounts, dossiers
// and the audit log, without HTTP. Each change runs in one transaction with its audit entry
// `admin.<operation>` naming the calling client; entries hold account ids, never a NIR or
// contact data.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "account/admin/admin_requests.hpp"
#include "account/import/account_import.hpp"
#include "account/password/password_hasher.hpp"
#include "core/personal_data_protector.hpp"
#include "core/api_caller.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "storage/database.hpp"

namespace caf::account::admin {

struct AdminContext {
    storage::Database& db;
    const PersonalDataProtector& protector;
    const PasswordHasher& hasher;  // passwords given in clear in an import
    const Clock& clock;
    ApiAuthenticator authenticate;  // oidc/'s bearer verification, plugged in by the composition root
    unsigned import_threads = 1;    // Argon2id hashing threads of an import
};

// 400 invalid_request (with the field), 404 not_found, 409 conflict.
struct AdminError {
    int status = 400;
    std::string error;
    std::string message;
    std::optional<std::string> field;
};
AdminError invalid_request(const RequestError& e);

using AdminResult = expected<nlohmann::json, AdminError>;

// The one AccountImporter over the body's JSON lines, in batches; the report
// {"created","unchanged","failed","failures":[{"line","reason"}]}.
AdminResult import_accounts(AdminContext& ctx, const ApiCaller& caller, std::string_view body);
// The same from a stream (the body in a temporary file), read line by line in batches.
AdminResult import_accounts(AdminContext& ctx, const ApiCaller& caller, std::istream& lines);
AdminResult lookup_account(AdminContext& ctx, const ApiCaller& caller, const AccountLookup& lookup);
AdminResult attach_nir(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id, const std::string& nir);
AdminResult update_contact(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id,
                           const ContactUpdate& update);
// The back office checked the civil status (true) or withdraws that (false): only vouched
// accounts are linked to a provider's identity by the pivot alone.
AdminResult set_identity_verified(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id, bool verified);
AdminResult unlock_account(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id);
AdminResult revoke_account(AdminContext& ctx, const ApiCaller& caller, std::int64_t account_id);

AdminResult create_dossier(AdminContext& ctx, const ApiCaller& caller, const std::string& numero);
AdminResult read_dossier(AdminContext& ctx, const ApiCaller& caller, const std::string& numero);
AdminResult set_member(AdminContext& ctx, const ApiCaller& caller, const std::string& numero, std::int64_t account_id,
                       storage::MemberRole role);
AdminResult remove_member(AdminContext& ctx, const ApiCaller& caller, const std::string& numero,
                          std::int64_t account_id);
AdminResult delete_dossier(AdminContext& ctx, const ApiCaller& caller, const std::string& numero);

AdminResult read_audit(AdminContext& ctx, const ApiCaller& caller, const AuditRequest& request);

// The audit entry of a refused call (nothing changed, so it has a transaction of its own).
void audit_refusal(AdminContext& ctx, const ApiCaller& caller, std::string_view operation,
                   std::optional<std::int64_t> account_id, const AdminError& error);

}  // namespace caf::account::admin
