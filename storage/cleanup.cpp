// purge_expired over the repositories.
#include "storage/cleanup.hpp"

#include "storage/audit_log.hpp"
#include "storage/authorization_codes.hpp"
#include "storage/client_assertions.hpp"
#include "storage/dpop_bound_families.hpp"
#include "storage/dpop_proof_jtis.hpp"
#include "storage/drafts.hpp"
#include "storage/interactions.hpp"
#include "storage/notifications.hpp"
#include "storage/pushed_requests.hpp"
#include "storage/rate_limits.hpp"
#include "storage/sessions.hpp"
#include "storage/tokens.hpp"
#include "storage/verification_codes.hpp"

namespace caf::storage {

CleanupReport purge_expired(Database& db, std::int64_t now, const CleanupRetention& retention) {
    CleanupReport report;
    const auto purge = [&db](auto&& delete_expired) {
        return db.transaction([&](Connection& c) { return delete_expired(c); });
    };
    Interactions interactions(db);
    report.interactions = purge([&](Connection& c) { return interactions.delete_expired(c, now); });
    AuthorizationCodes codes(db);
    report.authorization_codes =
        purge([&](Connection& c) { return codes.delete_expired(c, now - retention.authorization_codes); });
    Sessions sessions(db);
    report.sessions = purge([&](Connection& c) { return sessions.delete_expired(c, now); });
    RefreshTokens refresh_tokens(db);
    report.refresh_tokens = purge([&](Connection& c) { return refresh_tokens.delete_expired(c, now); });
    AccessTokens access_tokens(db);
    report.access_tokens = purge([&](Connection& c) { return access_tokens.delete_expired(c, now); });
    VerificationCodes verification_codes(db);
    report.verification_codes = purge([&](Connection& c) { return verification_codes.delete_expired(c, now); });
    Drafts drafts(db);
    report.drafts = purge([&](Connection& c) { return drafts.delete_expired(c, now); });
    RateLimits rate_limits(db);
    report.rate_limits = purge([&](Connection& c) { return rate_limits.delete_stale(c, now - retention.rate_limits); });
    ClientAssertions client_assertions(db);
    report.client_assertion_jtis = purge([&](Connection& c) { return client_assertions.delete_expired(c, now); });
    DpopProofJtis dpop_proof_jtis(db);
    report.dpop_proof_jtis = purge([&](Connection& c) { return dpop_proof_jtis.delete_expired(c, now); });
    DpopBoundFamilies dpop_bound_families(db);
    report.dpop_bound_families = purge([&](Connection& c) { return dpop_bound_families.delete_expired(c, now); });
    report.health_probes = purge([&](Connection& c) {
        return c.exec("DELETE FROM health_probes WHERE probed_at < ?", {now - retention.health_probes});
    });
    PushedRequests pushed_requests(db);
    report.pushed_requests = purge([&](Connection& c) { return pushed_requests.delete_expired(c, now); });
    Notifications notifications(db);
    report.notifications =
        purge([&](Connection& c) { return notifications.delete_sent(c, now - retention.notifications); });
    if (retention.audit_log > 0) {
        AuditLog audit(db);
        // In batches: a first purge after years of entries must not hold one long transaction.
        for (std::int64_t deleted = 1; deleted > 0;) {
            deleted = purge([&](Connection& c) { return audit.delete_older(c, now - retention.audit_log, 5000); });
            report.audit_log += deleted;
        }
    }
    return report;
}

}  // namespace caf::storage
