// Store construction.
#include "storage/store.hpp"

namespace caf::storage {

Store::Store(std::unique_ptr<Database> database)
    : database_(std::move(database)),
      accounts_(*database_),
      audit_log_(*database_),
      sessions_(*database_),
      interactions_(*database_),
      authorization_codes_(*database_),
      refresh_tokens_(*database_),
      access_tokens_(*database_),
      consents_(*database_),
      lockouts_(*database_),
      verification_codes_(*database_),
      external_links_(*database_),
      dossiers_(*database_),
      notifications_(*database_),
      drafts_(*database_),
      rate_limits_(*database_),
      client_assertions_(*database_) {}

std::unique_ptr<Store> open_store(std::string_view url, std::size_t pool_size, bool run_migrations) {
    auto store = std::make_unique<Store>(open_database(url, pool_size));
    if (run_migrations) store->migrate();
    return store;
}

}  // namespace caf::storage
