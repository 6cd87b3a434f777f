// The composition root: what each command builds from the configuration. Modules are wired here
// and nowhere else.
#pragma once

#include <memory>
#include <string>

#include "config/config.hpp"
#include "oidc/keys/signing_key_store.hpp"

namespace caf::app {

// `serve`: migrates, loads keys, registers every module's routes and runs until SIGTERM/SIGINT.
int run_server(const config::Config& config);
// `migrate`: applies missing schema migrations and prints what it applied.
int run_migrate(const config::Config& config);
// `migrate --release-lock`: removes the MariaDB migration lock row of a migrator that died.
int run_release_migration_lock(const config::Config& config);
// `backup OUT`: an online, consistent copy of the SQLite store into the new file OUT (MariaDB:
// its own tools, README "Backups"); prints {"backup", "pages", "bytes"}.
int run_backup(const config::Config& config, const std::string& out);
// `import`: account import from JSON lines (README "Importing accounts"); 1 when a line failed.
int run_import(const config::Config& config, const std::string& accounts_file);
// The signing key store of the configuration (created on first use).
std::unique_ptr<oidc::keys::SigningKeyStore> open_signing_keys(const config::Config& config);

}  // namespace caf::app
