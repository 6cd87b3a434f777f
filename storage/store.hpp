// The storage module's front door: one object owning the Database and every repository.
// For work that spans repositories, open a transaction on database() and pass its Connection
// to the repositories' Connection& overloads:
//
//   store.database().transaction([&](storage::Connection& c) {
//       store.accounts().update_password(c, id, hash, now);
//       storage::end_sessions_of_account(c, id, now);  // session_end.hpp
//       store.refresh_tokens().revoke_all_of_account(c, id, now);
//   });
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "storage/accounts.hpp"
#include "storage/audit_log.hpp"
#include "storage/authorization_codes.hpp"
#include "storage/cleanup.hpp"
#include "storage/client_assertions.hpp"
#include "storage/database.hpp"
#include "storage/dossiers.hpp"
#include "storage/drafts.hpp"
#include "storage/external_links.hpp"
#include "storage/interactions.hpp"
#include "storage/lockout.hpp"
#include "storage/migrations.hpp"
#include "storage/notifications.hpp"
#include "storage/rate_limits.hpp"
#include "storage/session_end.hpp"
#include "storage/sessions.hpp"
#include "storage/tokens.hpp"
#include "storage/verification_codes.hpp"

namespace caf::storage {

class Store {
public:
    explicit Store(std::unique_ptr<Database> database);
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    Database& database() { return *database_; }
    // Applies missing migrations; returns the versions applied.
    std::vector<int> migrate() { return storage::migrate(*database_); }
    bool ping() noexcept { return database_->ping(); }

    Accounts& accounts() { return accounts_; }
    AuditLog& audit_log() { return audit_log_; }
    Sessions& sessions() { return sessions_; }
    Interactions& interactions() { return interactions_; }
    AuthorizationCodes& authorization_codes() { return authorization_codes_; }
    RefreshTokens& refresh_tokens() { return refresh_tokens_; }
    AccessTokens& access_tokens() { return access_tokens_; }
    Consents& consents() { return consents_; }
    Lockouts& lockouts() { return lockouts_; }
    VerificationCodes& verification_codes() { return verification_codes_; }
    ExternalLinks& external_links() { return external_links_; }
    Dossiers& dossiers() { return dossiers_; }
    Notifications& notifications() { return notifications_; }
    Drafts& drafts() { return drafts_; }
    RateLimits& rate_limits() { return rate_limits_; }
    ClientAssertions& client_assertions() { return client_assertions_; }

private:
    std::unique_ptr<Database> database_;
    Accounts accounts_;
    AuditLog audit_log_;
    Sessions sessions_;
    Interactions interactions_;
    AuthorizationCodes authorization_codes_;
    RefreshTokens refresh_tokens_;
    AccessTokens access_tokens_;
    Consents consents_;
    Lockouts lockouts_;
    VerificationCodes verification_codes_;
    ExternalLinks external_links_;
    Dossiers dossiers_;
    Notifications notifications_;
    Drafts drafts_;
    RateLimits rate_limits_;
    ClientAssertions client_assertions_;
};

// open_database + Store; migrates first unless told not to.
std::unique_ptr<Store> open_store(std::string_view url, std::size_t pool_size = 8, bool run_migrations = true);

}  // namespace caf::storage
