// Wiring of the commands: store, keys, routes and the HTTP server, from one configuration.
#include "app/application.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <filesystem>
#include <optional>
#include <fstream>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "account/captcha/external_captcha.hpp"
#include "account/claims/account_claims.hpp"
#include "account/import/account_import.hpp"
#include "notify/notification_dispatcher.hpp"
#include "notify/notification_templates.hpp"
#include "notify/notification_worker.hpp"
#include "account/password/password_hasher.hpp"
#include "core/personal_data_protector.hpp"
#include "account/web/account_routes.hpp"
#include "account/web/admin_routes.hpp"
#include "account/web/captcha_routes.hpp"
#include "account/web/creation_routes.hpp"
#include "account/web/delegation_pages.hpp"
#include "account/web/linking_routes.hpp"
#include "account/web/recovery_routes.hpp"
#include "account/web/security_routes.hpp"
#include "config/data_keys.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/csrf.hpp"
#include "core/html_templates.hpp"
#include "core/login_contract.hpp"
#include "core/random.hpp"
#include "core/text.hpp"
#include "net/httplib_fetcher.hpp"
#include "oidc/backchannel_routes.hpp"
#include "oidc/browser_routes.hpp"
#include "oidc/claims_source.hpp"
#include "oidc/clients/client_registry.hpp"
#include "oidc/logout/backchannel_logout_sender.hpp"
#include "oidc/provider_context.hpp"
#include "providers/provider_routes.hpp"
#include "oidc/resource/api_caller_authentication.hpp"
#include "server/access_log.hpp"
#include "app/event_log.hpp"
#include "app/failure_responder.hpp"
#include "app/periodic_tasks.hpp"
#include "server/server.hpp"
#include "storage/audit_log.hpp"
#include "storage/cleanup.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/notifications.hpp"
#include "storage/sqlite/sqlite_backup.hpp"
#include "storage/store_health.hpp"

namespace caf::app {
namespace {

// An environment variable, upper case first then lower case (curl's order); empty counts as unset.
std::optional<std::string> environment_value(const char* upper, const char* lower) {
    for (const char* name : {upper, lower})
        if (const char* value = std::getenv(name); value && *value) return std::string(value);
    return std::nullopt;
}

net::HttplibFetcherSettings outgoing_settings(const config::OutgoingConfig& outgoing) {
    net::HttplibFetcherSettings s;
    if (outgoing.ca_file) s.ca_file = outgoing.ca_file->string();
    s.user_agent = outgoing.user_agent;
    s.max_response_bytes = std::size_t{outgoing.max_response_kib} * 1024;
    s.no_proxy = outgoing.no_proxy;
    const auto proxy_of = [](const std::string& url, const char* origin) {
        auto proxy = net::parse_proxy_url(url);
        if (!proxy) throw std::runtime_error(std::string(origin) + ": not an http://HOST:PORT proxy URL");
        return proxy;
    };
    if (outgoing.proxy) {
        s.http_proxy = s.https_proxy = proxy_of(*outgoing.proxy, "[outgoing] proxy");
    } else {
        if (auto url = environment_value("HTTP_PROXY", "http_proxy")) s.http_proxy = proxy_of(*url, "HTTP_PROXY");
        if (auto url = environment_value("HTTPS_PROXY", "https_proxy")) s.https_proxy = proxy_of(*url, "HTTPS_PROXY");
        if (auto list = environment_value("NO_PROXY", "no_proxy"); list && outgoing.no_proxy.empty()) {
            std::size_t start = 0;
            while (start <= list->size()) {
                auto end = list->find(',', start);
                if (end == std::string::npos) end = list->size();
                auto entry = text::trim(std::string_view(*list).substr(start, end - start));
                if (!entry.empty()) s.no_proxy.push_back(std::move(entry));
                start = end + 1;
            }
        }
    }
    return s;
}

server::Options server_options(const config::Config& config) {
    const auto& s = config.server;
    server::Options o;
    o.host = s.listen.host;
    o.port = s.listen.port;
    o.threads = s.threads;
    if (s.tls_cert && s.tls_key) o.tls = server::TlsFiles{s.tls_cert->string(), s.tls_key->string()};
    o.trusted_proxies = s.trusted_proxies;
    o.hsts = s.hsts;
    o.static_root = s.static_root.string();
    o.limits.header_bytes = s.limits.header_bytes;
    o.limits.body_bytes = s.limits.body_bytes;
    o.limits.read_timeout = s.limits.read_timeout;
    o.limits.idle_timeout = s.limits.idle_timeout;
    o.limits.max_requests_per_connection = s.limits.max_requests_per_connection;
    o.limits.max_connections = s.limits.max_connections;
    o.drain_timeout = s.drain_timeout;
    if (s.management_listen) o.management = server::ManagementListener{s.management_listen->host, s.management_listen->port};
    // No form-action: browsers apply it to the redirects that follow a form, and the login form
    // ends with a redirect to the client's registered redirect URI.
    o.content_security_policy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
    o.pool.threads = config.workers.threads;
    o.pool.queue_capacity = config.workers.queue;
    return o;
}

account::Argon2Params argon2_params(const config::Config& config) {
    account::Argon2Params params;
    params.memory_kib = config.passwords.argon2_memory_kib;
    params.iterations = config.passwords.argon2_iterations;
    params.parallelism = config.passwords.argon2_parallelism;
    return params;
}

// A SQLite file's folder is created when missing, so the first `serve` works in a fresh clone.
void create_sqlite_folder(const std::string& url) {
    if (!url.starts_with("sqlite:")) return;
    std::filesystem::path file = url.substr(std::string_view("sqlite:").size());
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
}

// `applied`, when given, receives the versions this process migrated (none when another node
// of the cluster had already done it).
std::unique_ptr<storage::Database> open_store(const config::Config& config, std::vector<int>* applied = nullptr) {
    create_sqlite_folder(config.store.url);
    auto db = storage::open_database(config.store.url, config.store.pool_size);
    auto versions = storage::migrate(*db);
    if (applied) *applied = std::move(versions);
    return db;
}

PersonalDataProtector personal_data_protector(const config::Config& config) {
    // Used by the commands that need only the protector (import).
    auto keys = config::load_data_keys(config.security.data_keys_file, config.security.generate_missing);
    return PersonalDataProtector(keys.encryption, keys.lookup);
}

// The provider reads claims through its own interface; account/ keeps the data.
class AccountClaimsSource final : public oidc::ClaimsSource {
public:
    AccountClaimsSource(storage::Database& db, const PersonalDataProtector& protector)
        : db_(db), protector_(protector) {}
    std::optional<nlohmann::json> claims(std::int64_t account_id, const std::vector<std::string>& scopes,
                                         bool include_nir) override {
        return account::account_claims(db_, protector_, account_id, scopes, include_nir);
    }

private:
    storage::Database& db_;
    const PersonalDataProtector& protector_;
};

// Development: the demo accounts are imported at each start; already present ones are left as is.
void import_demo_accounts(const config::Config& config, storage::Database& db,
                          const PersonalDataProtector& protector, spdlog::logger& events) {
    std::ifstream in(*config.development.demo_accounts);
    if (!in) throw std::runtime_error(config.development.demo_accounts->string() + ": cannot open the demo accounts");
    account::PasswordHasher hasher(argon2_params(config), system_random());
    SystemClock clock;
    auto report = account::AccountImporter(db, protector, hasher, clock).import(in, 2);
    // Argon2id's 19 MiB blocks are freed but kept by malloc; give them back to the system.
    ::malloc_trim(0);
    events.info("demo accounts: " + std::to_string(report.created) + " created, " + std::to_string(report.unchanged) +
                " already there, " + std::to_string(report.failures.size()) + " refused");
}

// Every connection is a descriptor: raise the soft limit towards the hard one so that
// max_connections can be reached (the systemd unit sets LimitNOFILE; a shell often gives 1024).
void raise_descriptor_limit(const config::Config& config, spdlog::logger& events) {
    // Connections, the store's pool, log files, keys, outgoing calls.
    const rlim_t wanted = rlim_t(config.server.limits.max_connections) + 1024;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
    const rlim_t soft = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (soft > limit.rlim_cur) {
        limit.rlim_cur = soft;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (soft < wanted)
        events.warn("open files limited to {} (hard limit): fewer than server.limits.max_connections = {} "
                    "connections can be held; raise LimitNOFILE",
                    soft, config.server.limits.max_connections);
}

}  // namespace

std::unique_ptr<oidc::keys::SigningKeyStore> open_signing_keys(const config::Config& config) {
    static SystemClock clock;
    const auto& dir = config.security.keys_dir;
    if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path());
    return oidc::keys::SigningKeyStore::load_or_create(
        config.security.keys_dir, {oidc::jose::Algorithm::RS256, oidc::jose::Algorithm::ES256}, clock);
}

int run_server(const config::Config& config) {
    auto events = make_event_logger(config.log.level);
    spdlog::set_default_logger(events);
    server::Logging logging;
    logging.events = events;
    if (config.log.access_log != "off") logging.access = server::make_access_logger(config.log.access_log);
    raise_descriptor_limit(config, *events);

    std::vector<int> migrated;
    auto db = open_store(config, &migrated);
    events->info("schema: " + std::to_string(migrated.size()) + " migration(s) applied by this process");
    auto data_keys = config::load_data_keys(config.security.data_keys_file, config.security.generate_missing);
    PersonalDataProtector protector(data_keys.encryption, data_keys.lookup);
    auto keys = open_signing_keys(config);
    if (config.development.demo_accounts) import_demo_accounts(config, *db, protector, *events);

    SystemClock clock;
    Random& random = system_random();
    HtmlTemplates pages(config.server.templates_root);
    // Derived secrets: one key file, a distinct key per purpose.
    CsrfGuard csrf(crypto::hmac_sha256(data_keys.lookup, "caf-connect csrf"), random);
    account::PasswordHasher hasher(argon2_params(config), random);
    account::LockoutPolicy lockout(account::lockout_config(config));
    account::CaptchaService builtin_captcha(*db, crypto::hmac_sha256(data_keys.lookup, "caf-connect captcha"), random,
                                            account::captcha_config(config));
    // Every outgoing HTTP call (providers, captcha, SMS gateway, logout tokens) goes through this
    // one client.
    net::HttplibFetcher outgoing_http(outgoing_settings(config.outgoing));
    std::optional<account::ExternalCaptcha> external_captcha;
    if (config.captcha.provider == "external")
        external_captcha.emplace(
            account::ExternalCaptchaSettings{
                config.captcha.service_url, config.captcha.service_token,
                std::chrono::milliseconds(config.captcha.timeout_ms),
                // A hung service holds at most half the workers, like an upstream provider.
                UpstreamGuard::Settings{std::max(1u, config.workers.threads / 2), 1, std::chrono::seconds(30)}},
            outgoing_http, clock);
    account::CaptchaProvider& captcha =
        external_captcha ? static_cast<account::CaptchaProvider&>(*external_captcha) : builtin_captcha;
    account::VerificationCodeService codes(*db, crypto::hmac_sha256(data_keys.lookup, "caf-connect verification codes"),
                                           random, account::verification_code_config(config));

    auto clients = oidc::ClientRegistry::from_config(config);
    AccountClaimsSource claims(*db, protector);
    oidc::ProviderContext provider{config,  clients, *keys, *db, claims, pages, csrf, clock, random,
                                   crypto::hmac_sha256(data_keys.lookup, "caf-connect subject")};
    // FranceConnect and other upstream providers (SPEC.md §8); their logout is chained.
    providers::ProviderRegistry upstream_providers(config, outgoing_http, clock, random);
    providers::ChainedLogout chained_logout(upstream_providers, *db, random);
    provider.upstream_logout = &chained_logout;

    http::Router routes;
    oidc::register_browser_routes(routes, provider);
    oidc::register_backchannel_routes(routes, provider);
    account::AccountContext account_context{config, *db, protector, hasher, lockout, pages, csrf, clock, random};
    account_context.captcha = &captcha;
    account_context.codes = &codes;
    account_context.upstream_logout = &chained_logout;
    account::register_account_routes(routes, account_context);
    providers::register_provider_routes(routes, account_context, upstream_providers);
    account::register_login_security_routes(routes, account_context);
    account::register_creation_routes(
        routes, account_context,
        account::CreationSettings{int(config.creation.minimum_age),
                                  std::chrono::minutes(config.creation.draft_lifetime_minutes)},
        nullptr);
    account::register_recovery_routes(routes, account_context);
    account::register_linking_routes(routes, account_context);
    account::households::register_household_routes(routes, account_context);
    account::CaptchaContext captcha_context{builtin_captcha, clock};
    account::register_captcha_routes(routes, captcha_context);
    // The admin API authenticates its callers through the provider's bearer token checks.
    account::admin::AdminContext admin_context{*db, protector, hasher, clock, oidc::resource::api_authenticator(provider),
                                               std::max(1u, std::thread::hardware_concurrency())};
    account::admin::register_admin_routes(routes, admin_context);

    // Notifications leave the queue on a thread of their own (SPEC.md §10).
    storage::Notifications notification_queue(*db);
    storage::AuditLog audit_log(*db);
    notify::NotificationTemplates notification_templates(config.server.templates_root);
    auto transports = notify::make_notification_transports(config.notifications, random, clock, outgoing_http);
    notify::DispatcherSettings dispatch_settings;
    dispatch_settings.retry = notify::retry_policy(config.notifications);
    // The outbox skips a message it already holds, so the claims of a killed process can be taken
    // over soon, instead of after the ten minutes a slow SMTP batch may need.
    if (config.notifications.outbox) dispatch_settings.lease = std::chrono::seconds{30};
    // Events and errors carry ids, channels and templates only, never a recipient or a code.
    notify::NotificationDispatcher dispatcher(
        *db, notification_queue, audit_log, protector, notification_templates, transports.channels(), dispatch_settings,
        [&events](std::string_view event, const nlohmann::json& details) {
            auto line = std::string(event) + " " + details.dump();
            if (event == "notification.sent") events->info(line);
            else events->warn(line);
        });
    notify::NotificationWorker notification_worker(
        dispatcher, clock, std::chrono::milliseconds{500},
        [&events](std::string_view what) { events->error("notification delivery: " + std::string(what)); });
    notification_worker.start();
    // Back-channel logout tokens leave the same queue on another thread: a slow client's endpoint
    // never holds up a mail, nor a request.
    oidc::BackchannelLogoutSender logout_sender(
        provider, outgoing_http, oidc::backchannel_logout_settings(config.backchannel_logout),
        [&events](std::string_view event, const nlohmann::json& details) {
            auto line = std::string(event) + " " + details.dump();
            if (event == "backchannel_logout.sent") events->info(line);
            else events->warn(line);
        });
    notify::NotificationWorker logout_worker(
        [&logout_sender](TimePoint now) { return logout_sender.run_once(now).batch_full; }, clock,
        std::chrono::milliseconds{config.backchannel_logout.poll_interval_ms},
        [&events](std::string_view what) { events->error("back-channel logout delivery: " + std::string(what)); });
    logout_worker.start();
    if (!config.notifications.outbox && !config.notifications.smtp_url && !config.notifications.sms_gateway_url)
        events->warn("no outbox, SMTP server or SMS gateway configured: mail and SMS stay queued");
    routes.add("GET", "/", http::Execution::inline_cpu,
               [](const http::Request&) { return http::Response::redirect(std::string(login::account_home_path)); });

    auto options = server_options(config);
    // The external captcha's images come from its own origin.
    if (external_captcha) options.content_security_policy += "; img-src 'self' " + external_captcha->origin();
    // Readiness: a probe on a connection of its own writes this node's health row every half
    // second; /readyz reads the result (storage/store_health.hpp).
    auto probe_db = storage::open_database(config.store.url, 1);
    probe_db->set_max_attempts(1);
    storage::StoreHealth store_health(*probe_db, "node-" + random_token(random, 9), std::chrono::milliseconds(2000),
                                      [&events](std::string_view event, std::string_view detail) {
                                          if (event == "store.available") events->warn("{} {}", event, detail);
                                          else events->error("{} {}", event, detail);
                                      });
    store_health.probe(to_unix_seconds(clock.now()));
    PeriodicTasks health_probe(events);
    health_probe.add("store health probe", std::chrono::milliseconds(500),
                     [&store_health, &clock] { store_health.probe(to_unix_seconds(clock.now())); });
    health_probe.start();
    server::Server server(options, routes, [&store_health] { return store_health.ready(); }, logging,
                  make_failure_responder(pages, std::chrono::seconds(5)));
    PeriodicTasks housekeeping(events);
    // `cafconnect keys rotate` runs in another process: every node picks the new key up.
    housekeeping.add("reload signing keys", std::chrono::seconds(30), [&keys] { keys->reload(); });
    // Expired interactions, codes, sessions, tokens and drafts are deleted in short transactions.
    storage::CleanupRetention retention;
    retention.audit_log = std::int64_t{config.audit.retention_days} * 86400;
    housekeeping.add("purge expired rows", std::chrono::minutes(10), [&db, &clock, retention] {
        storage::purge_expired(*db, to_unix_seconds(clock.now()), retention);
    });
    housekeeping.start();

    server.start();
    std::string scheme = config.server.tls_cert ? "https" : "http";
    nlohmann::json listening{{"event", "listening"},
                             {"url", scheme + "://" + config.server.listen.host + ":" + std::to_string(server.port())},
                             {"issuer", config.server.issuer}};
    if (config.server.management_listen)
        listening["management_url"] =
            "http://" + config.server.management_listen->host + ":" + std::to_string(server.management_port());
    std::cout << listening.dump() << std::endl;
    events->info("Caf Connect listening on " + scheme + "://" + config.server.listen.host + ":" +
                 std::to_string(server.port()) + " (issuer " + config.server.issuer + ")");
    int code = server.run_until_signal();
    if (!server.drained()) {
        // A request stuck past the drain deadline (a hung store or upstream) must not hold the
        // process: its task still uses everything below, so nothing is destroyed, we just end.
        // What it has not committed was never acknowledged.
        events->warn("Caf Connect stopped at the drain deadline, a blocking task still running");
        events->flush();
        std::cout.flush();
        std::_Exit(code);
    }
    health_probe.stop();
    store_health.forget();
    events->info("Caf Connect stopped");
    return code;
}

int run_migrate(const config::Config& config) {
    create_sqlite_folder(config.store.url);
    auto db = storage::open_database(config.store.url, 1);
    auto applied = storage::migrate(*db);
    std::cout << nlohmann::json{{"applied", applied}, {"schema_versions", storage::applied_versions(*db)}}.dump()
              << "\n";
    return 0;
}

int run_release_migration_lock(const config::Config& config) {
    auto db = storage::open_database(config.store.url, 1);
    auto owner = storage::release_migration_lock(*db);
    std::cout << nlohmann::json{{"released", owner.has_value()}, {"owner", owner ? *owner : ""}}.dump() << "\n";
    return 0;
}

int run_backup(const config::Config& config, const std::string& out) {
    if (!config.store.url.starts_with("sqlite:"))
        throw std::runtime_error("backup copies a SQLite store; back up MariaDB with mariadb-backup or mariadb-dump "
                                 "(README, \"Backups\")");
    const auto report = storage::backup_sqlite(config.store.url, out);
    std::cout << nlohmann::json{{"backup", out}, {"pages", report.pages}, {"bytes", report.bytes}}.dump() << "\n";
    return 0;
}

int run_import(const config::Config& config, const std::string& accounts_file) {
    auto db = open_store(config);
    auto protector = personal_data_protector(config);
    account::PasswordHasher hasher(argon2_params(config), system_random());
    SystemClock clock;
    account::AccountImporter importer(*db, protector, hasher, clock);

    std::ifstream file;
    std::istream* in = &std::cin;
    if (accounts_file != "-") {
        file.open(accounts_file);
        if (!file) throw std::runtime_error(accounts_file + ": cannot open the file");
        in = &file;
    }
    auto report = importer.import(*in, std::max(1u, std::thread::hardware_concurrency()));
    nlohmann::json out{{"created", report.created},
                       {"unchanged", report.unchanged},
                       {"memberships_added", report.memberships_added},
                       {"failed", report.failures.size()}};
    for (const auto& failure : report.failures) {
        std::cerr << accounts_file << ":" << failure.line << ": " << failure.reason << "\n";
    }
    std::cout << out.dump() << "\n";
    return report.failures.empty() ? 0 : 1;
}

}  // namespace caf::app
