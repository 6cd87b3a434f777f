// The periodic purge of what has expired (and of delivered notifications and, with a retention,
// old audit entries): every repository's delete_expired, each in its own short
// transaction so the purge never holds locks a login is waiting for. Safe on several nodes at
// once (each DELETE is idempotent); the server schedules it.
#pragma once

#include <cstdint>

#include "storage/database.hpp"

namespace caf::storage {

// How long some rows are kept after they expire, in seconds.
struct CleanupRetention {
    // A spent or expired authorization code is kept this long so that a late replay is still
    // recognised as one (and revokes the tokens issued from it) instead of "unknown code".
    std::int64_t authorization_codes = 24 * 3600;
    // A rate-limit bucket is dropped once its window started this long ago: longer than the
    // longest window in use.
    std::int64_t rate_limits = 24 * 3600;
    // The health row of a node that stopped without removing it (kill -9).
    std::int64_t health_probes = 3600;
    // Notifications (mail, SMS, letters, back-channel logouts) sent or given up this long ago: kept
    // a week for the operators' questions, then dropped (their payloads are sealed anyway).
    std::int64_t notifications = 7 * 86400;
    // Audit entries older than this; 0 keeps them for ever ([audit] retention_days).
    std::int64_t audit_log = 0;
};

// Rows deleted per table.
struct CleanupReport {
    std::int64_t interactions = 0;
    std::int64_t authorization_codes = 0;
    std::int64_t sessions = 0;  // expired, or revoked (their clients go with them)
    std::int64_t refresh_tokens = 0;
    std::int64_t access_tokens = 0;
    std::int64_t verification_codes = 0;
    std::int64_t drafts = 0;
    std::int64_t rate_limits = 0;
    std::int64_t client_assertion_jtis = 0;
    std::int64_t health_probes = 0;
    std::int64_t pushed_requests = 0;
    std::int64_t dpop_proof_jtis = 0;
    std::int64_t dpop_bound_families = 0;
    std::int64_t notifications = 0;
    std::int64_t audit_log = 0;

    std::int64_t total() const noexcept {
        return interactions + authorization_codes + sessions + refresh_tokens + access_tokens + verification_codes +
               drafts + rate_limits + client_assertion_jtis + health_probes + pushed_requests + dpop_proof_jtis +
               dpop_bound_families + notifications + audit_log;
    }
};

// Throws StoreError like any store call; what was purged before the error stays purged.
CleanupReport purge_expired(Database& db, std::int64_t now, const CleanupRetention& retention = {});

}  // namespace caf::storage
