// The schema, as numbered migrations. Times are unix seconds ({int}); digests and HMAC lookups
// are {key}; personal data arrives sealed (AES-GCM) and is stored as {blob}.
#include "storage/migrations.hpp"

namespace caf::storage {

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all = {
        {1, "accounts and audit log", {
R"(CREATE TABLE IF NOT EXISTS accounts (
    id {id},
    nir_lookup {key} NULL UNIQUE,
    nir_sealed {blob} NULL,
    provisional_id {str} NULL UNIQUE,
    password_hash {str} NULL,
    password_changed_at {int} NULL,
    legacy_password {int} NOT NULL DEFAULT 0,
    cgu_version {str} NULL,
    civil_status_sealed {blob} NULL,
    pivot_lookup {key} NULL,
    email_sealed {blob} NULL,
    email_verified {int} NOT NULL DEFAULT 0,
    phone_sealed {blob} NULL,
    phone_verified {int} NOT NULL DEFAULT 0,
    address_sealed {blob} NULL,
    documents_required {int} NOT NULL DEFAULT 0,
    status {str} NOT NULL,
    created_at {int} NOT NULL,
    updated_at {int} NOT NULL,
    INDEX accounts_pivot (pivot_lookup)
){table})",
R"(CREATE TABLE IF NOT EXISTS audit_log (
    id {id},
    at {int} NOT NULL,
    actor_type {str} NOT NULL,
    actor_id {str} NULL,
    action {str} NOT NULL,
    account_id {int} NULL,
    details {text} NOT NULL,
    INDEX audit_log_account (account_id, id),
    INDEX audit_log_action (action, id),
    INDEX audit_log_at (at)
){table})",
        }},
        {2, "sessions, interactions, codes and tokens", {
R"(CREATE TABLE IF NOT EXISTS sessions (
    digest {key} NOT NULL PRIMARY KEY,
    account_id {int} NOT NULL,
    auth_time {int} NOT NULL,
    amr {text} NOT NULL,
    acr {str} NOT NULL,
    created_at {int} NOT NULL,
    last_seen_at {int} NOT NULL,
    idle_expires_at {int} NOT NULL,
    absolute_expires_at {int} NOT NULL,
    upstream_provider {str} NULL,
    upstream_id_token {text} NULL,
    revoked_at {int} NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    INDEX sessions_account (account_id),
    INDEX sessions_expiry (absolute_expires_at)
){table})",
R"(CREATE TABLE IF NOT EXISTS session_clients (
    session_digest {key} NOT NULL,
    client_id {str} NOT NULL,
    first_seen_at {int} NOT NULL,
    PRIMARY KEY (session_digest, client_id),
    FOREIGN KEY (session_digest) REFERENCES sessions (digest) ON DELETE CASCADE
){table})",
R"(CREATE TABLE IF NOT EXISTS interactions (
    digest {key} NOT NULL PRIMARY KEY,
    request {text} NOT NULL,
    created_at {int} NOT NULL,
    expires_at {int} NOT NULL,
    result {text} NULL,
    completed_at {int} NULL,
    consumed_at {int} NULL,
    INDEX interactions_expiry (expires_at)
){table})",
R"(CREATE TABLE IF NOT EXISTS authorization_codes (
    digest {key} NOT NULL PRIMARY KEY,
    client_id {str} NOT NULL,
    account_id {int} NOT NULL,
    session_digest {key} NULL,
    payload {text} NOT NULL,
    created_at {int} NOT NULL,
    expires_at {int} NOT NULL,
    consumed_at {int} NULL,
    INDEX authorization_codes_expiry (expires_at)
){table})",
R"(CREATE TABLE IF NOT EXISTS refresh_tokens (
    digest {key} NOT NULL PRIMARY KEY,
    family_id {str} NOT NULL,
    client_id {str} NOT NULL,
    account_id {int} NOT NULL,
    scope {text} NOT NULL,
    session_digest {key} NULL,
    code_digest {key} NULL,
    created_at {int} NOT NULL,
    expires_at {int} NOT NULL,
    idle_expires_at {int} NOT NULL,
    rotated_at {int} NULL,
    revoked_at {int} NULL,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    INDEX refresh_tokens_family (family_id),
    INDEX refresh_tokens_account (account_id),
    INDEX refresh_tokens_session (session_digest),
    INDEX refresh_tokens_code (code_digest),
    INDEX refresh_tokens_expiry (expires_at)
){table})",
R"(CREATE TABLE IF NOT EXISTS access_tokens (
    jti {str} NOT NULL PRIMARY KEY,
    client_id {str} NOT NULL,
    account_id {int} NULL,
    scope {text} NOT NULL,
    issued_at {int} NOT NULL,
    expires_at {int} NOT NULL,
    revoked_at {int} NULL,
    code_digest {key} NULL,
    family_id {str} NULL,
    session_digest {key} NULL,
    INDEX access_tokens_account (account_id),
    INDEX access_tokens_family (family_id),
    INDEX access_tokens_code (code_digest),
    INDEX access_tokens_session (session_digest),
    INDEX access_tokens_expiry (expires_at)
){table})",
R"(CREATE TABLE IF NOT EXISTS consents (
    account_id {int} NOT NULL,
    client_id {str} NOT NULL,
    scope {text} NOT NULL,
    granted_at {int} NOT NULL,
    PRIMARY KEY (account_id, client_id),
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
){table})",
        }},
        {3, "lockout, verification codes and rate limits", {
R"(CREATE TABLE IF NOT EXISTS lockouts (
    key_digest {key} NOT NULL PRIMARY KEY,
    failures {int} NOT NULL DEFAULT 0,
    freeze_count {int} NOT NULL DEFAULT 0,
    frozen_until {int} NULL,
    updated_at {int} NOT NULL
){table})",
R"(CREATE TABLE IF NOT EXISTS verification_codes (
    id {id},
    purpose {str} NOT NULL,
    subject {str} NOT NULL,
    channel {str} NOT NULL,
    digest {key} NOT NULL,
    created_at {int} NOT NULL,
    expires_at {int} NOT NULL,
    attempts {int} NOT NULL DEFAULT 0,
    max_attempts {int} NOT NULL,
    consumed_at {int} NULL,
    last_sent_at {int} NOT NULL,
    sends {int} NOT NULL DEFAULT 1,
    INDEX verification_codes_subject (purpose, subject),
    INDEX verification_codes_expiry (expires_at)
){table})",
R"(CREATE TABLE IF NOT EXISTS rate_limits (
    bucket {key} NOT NULL PRIMARY KEY,
    window_start {int} NOT NULL,
    hits {int} NOT NULL
){table})",
        }},
        {4, "external links and dossiers", {
R"(CREATE TABLE IF NOT EXISTS external_links (
    provider {str} NOT NULL,
    subject {str} NOT NULL,
    account_id {int} NOT NULL,
    created_at {int} NOT NULL,
    PRIMARY KEY (provider, subject),
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    INDEX external_links_account (account_id)
){table})",
R"(CREATE TABLE IF NOT EXISTS dossiers (
    number {str} NOT NULL PRIMARY KEY,
    delegation_granted {int} NOT NULL DEFAULT 0,
    delegation_changed_at {int} NULL,
    delegation_changed_by {int} NULL,
    delegation_question_answered {int} NOT NULL DEFAULT 0,
    created_at {int} NOT NULL,
    updated_at {int} NOT NULL
){table})",
// principal_account_id / principal_role are set only for the allocataire and the spouse: their
// unique keys say "one dossier at most as allocataire or spouse" and "one of each per dossier"
// (NULLs never collide in a unique index, on either backend).
R"(CREATE TABLE IF NOT EXISTS dossier_members (
    dossier_number {str} NOT NULL,
    account_id {int} NOT NULL,
    role {str} NOT NULL,
    principal_account_id {int} NULL UNIQUE,
    principal_role {str} NULL,
    added_at {int} NOT NULL,
    PRIMARY KEY (dossier_number, account_id),
    UNIQUE (dossier_number, principal_role),
    FOREIGN KEY (dossier_number) REFERENCES dossiers (number) ON DELETE CASCADE,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    INDEX dossier_members_account (account_id)
){table})",
        }},
        {5, "notification queue and creation drafts", {
R"(CREATE TABLE IF NOT EXISTS notifications (
    id {id},
    channel {str} NOT NULL,
    recipient_sealed {blob} NOT NULL,
    template_name {str} NOT NULL,
    payload_sealed {blob} NOT NULL,
    status {str} NOT NULL,
    attempts {int} NOT NULL DEFAULT 0,
    next_attempt_at {int} NOT NULL,
    created_at {int} NOT NULL,
    sent_at {int} NULL,
    last_error {text} NULL,
    INDEX notifications_due (status, next_attempt_at)
){table})",
R"(CREATE TABLE IF NOT EXISTS drafts (
    digest {key} NOT NULL PRIMARY KEY,
    payload_sealed {blob} NOT NULL,
    created_at {int} NOT NULL,
    updated_at {int} NOT NULL,
    expires_at {int} NOT NULL,
    INDEX drafts_expiry (expires_at)
){table})",
        }},
        // Used private_key_jwt jtis shared by every node (RFC 7523 §3 item 7: one use each; replays
        // counts the refused presentations, see storage/client_assertions.hpp), and
        // the authentication context a refresh token carries so an offline_access grant keeps it
        // after its SSO session is gone (amr as a JSON array, like sessions.amr). ADD COLUMN IF
        // NOT EXISTS is MariaDB's; SQLite runs the whole migration in one transaction instead.
        {6, "client assertion jtis and refresh token authentication context", {
R"(CREATE TABLE IF NOT EXISTS client_assertion_jtis (
    client_id {str} NOT NULL,
    jti {str} NOT NULL,
    expires_at {int} NOT NULL,
    replays {int} NOT NULL DEFAULT 0,
    PRIMARY KEY (client_id, jti),
    INDEX client_assertion_jtis_expiry (expires_at)
){table})",
"ALTER TABLE refresh_tokens ADD COLUMN {if_not_exists}auth_time {int} NULL",
"ALTER TABLE refresh_tokens ADD COLUMN {if_not_exists}acr {str} NULL",
"ALTER TABLE refresh_tokens ADD COLUMN {if_not_exists}amr {text} NULL",
        }},
        // The admin API's audit filter on the acting client (GET /admin/v1/audit?client_id=):
        // actor_id = ? with keyset paging on id, newest first, reads the index in order.
        {7, "audit log index on the actor", {
"CREATE INDEX {if_not_exists}audit_log_actor ON audit_log (actor_id, id)",
        }},
        // Whether the CAF vouches for the account's civil status (storage/accounts.hpp). Accounts
        // that existed before: the self-created ones (audited account.created) are not vouched
        // for unless the back office attached a NIR since (nir.attached); the others came from
        // the CAF's records.
        {8, "accounts whose identity the CAF vouches for", {
"ALTER TABLE accounts ADD COLUMN {if_not_exists}identity_verified {int} NOT NULL DEFAULT 0",
"UPDATE accounts SET identity_verified = 1 WHERE id NOT IN "
"(SELECT account_id FROM audit_log WHERE action = 'account.created' AND account_id IS NOT NULL) "
"OR id IN (SELECT account_id FROM audit_log WHERE action = 'nir.attached' AND account_id IS NOT NULL)",
        }},
        // Login attempts reserved under the lockout row's lock before their password is hashed,
        // so simultaneous attempts are judged on the ones already in flight (ZITADEL
        // GHSA-7h8m-vrxx-vr4m); see account/login/login_service.cpp.
        {9, "lockout reservations and the provisional identifier recovery lookup", {
"ALTER TABLE lockouts ADD COLUMN {if_not_exists}reserved {int} NOT NULL DEFAULT 0",
"ALTER TABLE lockouts ADD COLUMN {if_not_exists}reserved_at {int} NULL",
        // "Identifiant provisoire oublié" finds provisional accounts by a keyed HMAC instead of
        // opening every one (account/recovery/provisional_id_recovery.cpp). SQL cannot compute
        // it: existing rows keep NULL and the recovery fills them in before its first lookup.
"ALTER TABLE accounts ADD COLUMN {if_not_exists}recovery_lookup {key} NULL",
"CREATE INDEX {if_not_exists}accounts_recovery ON accounts (recovery_lookup)",
        }},
        // The readiness probe's write (storage/store_health.hpp): one row per running node, so
        // two nodes of a Galera cluster never certify against each other.
        {10, "store health probes", {
R"(CREATE TABLE IF NOT EXISTS health_probes (
    node {str} NOT NULL PRIMARY KEY,
    probed_at {int} NOT NULL
){table})",
        }},
        {11, "pushed authorization requests", {
R"(CREATE TABLE IF NOT EXISTS pushed_authorization_requests (
    digest {key} NOT NULL PRIMARY KEY,
    client_id {str} NOT NULL,
    params {text} NOT NULL,
    expires_at {int} NOT NULL,
    INDEX pushed_authorization_requests_expiry (expires_at)
){table})",
        }},
        // DPoP (RFC 9449): the proofs accepted, until their iat window ends, so a replay is refused
        // on every node (storage/dpop_proof_jtis.hpp); and the refresh token families of public
        // clients bound to a proof key (storage/dpop_bound_families.hpp).
        {12, "dpop proof jtis and dpop-bound refresh token families", {
R"(CREATE TABLE IF NOT EXISTS dpop_proof_jtis (
    digest {key} NOT NULL PRIMARY KEY,
    expires_at {int} NOT NULL,
    replays {int} NOT NULL DEFAULT 0,
    INDEX dpop_proof_jtis_expiry (expires_at)
){table})",
R"(CREATE TABLE IF NOT EXISTS dpop_bound_families (
    family_id {str} NOT NULL PRIMARY KEY,
    jkt {str} NOT NULL,
    expires_at {int} NOT NULL,
    INDEX dpop_bound_families_expiry (expires_at)
){table})",
        }},
    };
    return all;
}

}  // namespace caf::storage
