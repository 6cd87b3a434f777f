// Parses the command line with CLI11 and runs one command. Each command loads the configuration,
// opens what it needs and reports startup errors as fatal, naming the file and the reason.
#include "app/cli.hpp"

#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "account/backoffice/attach_nir.hpp"
#include "core/personal_data_protector.hpp"
#include "config/config.hpp"
#include "config/data_keys.hpp"
#include "oidc/keys/key_info.hpp"
#include "app/application.hpp"
#include "storage/database.hpp"
#include "storage/error.hpp"
#include "storage/migrations.hpp"

namespace caf::app {
namespace {

constexpr int exit_usage = 2;
constexpr int exit_failure = 1;

int keys_list(const config::Config& config) {
    auto keys = open_signing_keys(config);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& key : keys->list()) {
        nlohmann::json entry{{"kid", key.kid},
                             {"alg", oidc::jose::to_string(key.alg)},
                             {"created_at", to_unix_seconds(key.created_at)},
                             {"activates_at", to_unix_seconds(key.activates_at)}};
        if (key.retires_at) entry["retires_at"] = to_unix_seconds(*key.retires_at);
        out.push_back(entry);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
}

int keys_rotate(const config::Config& config, const std::string& alg_name, long activation_delay,
                long retire_after) {
    auto alg = oidc::jose::parse_algorithm(alg_name);
    if (!alg || (*alg != oidc::jose::Algorithm::RS256 && *alg != oidc::jose::Algorithm::ES256)) {
        std::cerr << "cafconnect keys rotate: --alg must be RS256 or ES256\n";
        return exit_usage;
    }
    auto keys = open_signing_keys(config);
    auto kid = keys->rotate(*alg, std::chrono::seconds(activation_delay), std::chrono::seconds(retire_after));
    std::cout << nlohmann::json{{"kid", kid}, {"alg", alg_name}, {"signs_in_seconds", activation_delay}}.dump() << "\n";
    return 0;
}

// Back office: a NIR for a provisional account (SPEC.md §1). The exit code says whether it was done.
int accounts_attach_nir(const config::Config& config, const std::string& provisional_id, const std::string& nir) {
    auto db = storage::open_database(config.store.url, 1);
    storage::migrate(*db);
    auto keys = config::load_data_keys(config.security.data_keys_file, config.security.generate_missing);
    PersonalDataProtector protector(keys.encryption, keys.lookup);
    SystemClock clock;
    auto attached = account::backoffice::attach_nir(*db, protector, provisional_id, nir, "cli", clock.now());
    if (!attached) {
        std::cerr << "cafconnect accounts attach-nir: " << account::backoffice::message(attached.error()) << "\n";
        return exit_failure;
    }
    std::cout << nlohmann::json{{"account_id", attached->account_id}, {"attached", true}}.dump() << "\n";
    return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"Caf Connect — the identity provider of caf.fr \"Mon Compte\"", "cafconnect"};
    app.require_subcommand(1);
    // Wrong usage shows the usage of the command that was being parsed, not only the error.
    app.failure_message(CLI::FailureMessage::help);
    app.set_version_flag("--version", "cafconnect 0.1.0");
    std::string config_file;

    auto* serve = app.add_subcommand("serve", "Run the server (migrates the store first)");
    serve->add_option("--config", config_file, "Configuration file (TOML)")->required();

    auto* migrate = app.add_subcommand("migrate", "Create or upgrade the store's schema");
    migrate->add_option("--config", config_file, "Configuration file (TOML)")->required();
    bool release_lock = false;
    migrate->add_flag("--release-lock", release_lock,
                      "Remove the MariaDB migration lock left by a migrator that died, then exit");

    std::string backup_file;
    auto* backup = app.add_subcommand("backup", "Copy the SQLite store, consistent while serving, into a new file");
    backup->add_option("--config", config_file, "Configuration file (TOML)")->required();
    backup->add_option("OUT", backup_file, "The copy: a new file (its folder must exist)")->required();

    std::string accounts_file;
    auto* import = app.add_subcommand("import", "Import accounts from a JSON-lines file (see README)");
    import->add_option("--config", config_file, "Configuration file (TOML)")->required();
    import->add_option("ACCOUNTS", accounts_file, "Accounts, one JSON object per line (- for stdin)")->required();

    auto* accounts = app.add_subcommand("accounts", "Back-office operations on accounts");
    accounts->require_subcommand(1);
    std::string provisional_id;
    std::string nir;
    auto* attach_nir_cmd =
        accounts->add_subcommand("attach-nir", "Attach a NIR to an account that has a provisional identifier");
    attach_nir_cmd->add_option("--config", config_file, "Configuration file (TOML)")->required();
    attach_nir_cmd->add_option("--provisional-id", provisional_id, "The account's identifier, P + 8 digits")->required();
    attach_nir_cmd->add_option("--nir", nir, "The NIR (13 characters, key optional)")->required();

    auto* keys = app.add_subcommand("keys", "Signing keys");
    keys->require_subcommand(1);
    auto* keys_list_cmd = keys->add_subcommand("list", "List the signing keys and their schedule");
    keys_list_cmd->add_option("--config", config_file, "Configuration file (TOML)")->required();
    std::string alg = "RS256";
    long activation_delay = 3600;
    long retire_after = 86400;
    auto* keys_rotate_cmd = keys->add_subcommand("rotate", "Publish a new signing key, used after a delay");
    keys_rotate_cmd->add_option("--config", config_file, "Configuration file (TOML)")->required();
    keys_rotate_cmd->add_option("--alg", alg, "RS256 or ES256")->capture_default_str();
    keys_rotate_cmd->add_option("--activation-delay", activation_delay,
                                "Seconds before the new key signs (relying parties refresh their JWKS meanwhile)")
        ->capture_default_str()->check(CLI::Range(0L, 30L * 86400));
    keys_rotate_cmd->add_option("--retire-after", retire_after,
                                "Seconds the replaced key stays published after the new one signs")
        ->capture_default_str()->check(CLI::Range(0L, 365L * 86400));

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);  // prints the error and the usage of the failing (sub)command
        return exit_usage;
    }

    try {
        auto config = config::load_file(config_file);
        if (serve->parsed()) return run_server(config);
        if (migrate->parsed()) return release_lock ? run_release_migration_lock(config) : run_migrate(config);
        if (import->parsed()) return run_import(config, accounts_file);
        if (backup->parsed()) return run_backup(config, backup_file);
        if (attach_nir_cmd->parsed()) return accounts_attach_nir(config, provisional_id, nir);
        if (keys_list_cmd->parsed()) return keys_list(config);
        if (keys_rotate_cmd->parsed()) return keys_rotate(config, alg, activation_delay, retire_after);
    } catch (const config::ConfigError& e) {
        std::cerr << "cafconnect: configuration error: " << e.what() << "\n";
        return exit_failure;
    } catch (const storage::StoreError& e) {
        std::cerr << "cafconnect: store error (" << storage::to_string(e.kind()) << "): " << e.what() << "\n";
        return exit_failure;
    } catch (const oidc::keys::key_store_error& e) {
        std::cerr << "cafconnect: signing keys: " << e.what() << "\n";
        return exit_failure;
    } catch (const std::exception& e) {
        std::cerr << "cafconnect: " << e.what() << "\n";
        return exit_failure;
    }
    return exit_usage;
}

}  // namespace caf::app
