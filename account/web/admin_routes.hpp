// The admin API on the router (SPEC.md §10): JSON under /admin/v1 for back-office clients holding
// the `admin` scope (client_credentials). Every route is blocking (store, Argon2id) and answers
// `Cache-Control: no-store`. docs/admin-api.openapi.yaml describes each one.
#pragma once

#include <cstddef>
#include <string_view>

#include "account/admin/admin_operations.hpp"
#include "core/router.hpp"

namespace caf::account::admin {

inline constexpr std::string_view admin_scope = "admin";

// The import's body limit, above the server's: 100,000 legacy accounts of a migration batch are
// about 30 MB of JSON lines. Larger migrations are sent as several imports (idempotent by NIR).
// Only a request whose bearer token holds the admin scope may send that much: the token is checked
// on the header, before any of the body is read.
inline constexpr std::size_t import_body_limit = 128u * 1024u * 1024u;

// POST   /admin/v1/accounts/import                     JSON lines → {created, unchanged, failed, failures}
// POST   /admin/v1/accounts/lookup                     {"nir"} or {"provisional_id"} → the account
// POST   /admin/v1/accounts/{id}/nir                   {"nir"}: attach to a provisional account
// PUT    /admin/v1/accounts/{id}/contact   (or PATCH)  {"email", "phone", …_verified}
// POST   /admin/v1/accounts/{id}/identity              {"verified"}: the back office vouches for the civil status
// POST   /admin/v1/accounts/{id}/unlock                lockout counters reset
// POST   /admin/v1/accounts/{id}/revoke                sessions, refresh and access tokens revoked
// POST   /admin/v1/dossiers                            {"numero"}
// GET    /admin/v1/dossiers/{numero}                   members, roles, delegation
// DELETE /admin/v1/dossiers/{numero}
// PUT    /admin/v1/dossiers/{numero}/members/{id}      {"role"}
// DELETE /admin/v1/dossiers/{numero}/members/{id}
// GET    /admin/v1/audit?account_id&event&since&until&client_id&limit&cursor
// `ctx` must outlive the router.
void register_admin_routes(http::Router& router, AdminContext& ctx);

}  // namespace caf::account::admin
