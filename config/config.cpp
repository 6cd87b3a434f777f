// TOML loading and validation. Unknown keys are errors: a typo in a security setting must not be
// silently ignored.
#include "config/config.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace caf::config {
namespace {

// Reads one TOML table, remembering which keys were used so the rest can be reported.
class TableReader {
public:
    TableReader(const toml::table* table, std::string prefix, const std::string& file)
        : table_(table), prefix_(std::move(prefix)), file_(file) {}

    [[noreturn]] void fail(std::string_view key, std::string reason) const {
        throw ConfigError(file_, qualified(key), std::move(reason));
    }

    std::string qualified(std::string_view key) const { return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key); }

    const toml::node* node(std::string_view key) {
        used_.insert(std::string(key));
        return table_ ? table_->get(key) : nullptr;
    }

    template <class T>
    std::optional<T> get(std::string_view key) {
        const toml::node* n = node(key);
        if (!n) return std::nullopt;
        auto v = n->value_exact<T>();
        if (!v) fail(key, std::string("expected ") + type_name<T>());
        return v;
    }

    std::optional<std::int64_t> get_int(std::string_view key, std::int64_t min, std::int64_t max) {
        auto v = get<std::int64_t>(key);
        if (v && (*v < min || *v > max))
            fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return v;
    }

    std::optional<std::vector<std::string>> get_strings(std::string_view key) {
        const toml::node* n = node(key);
        if (!n) return std::nullopt;
        const toml::array* array = n->as_array();
        if (!array) fail(key, "expected an array of strings");
        std::vector<std::string> out;
        for (const auto& item : *array) {
            auto s = item.value_exact<std::string>();
            if (!s) fail(key, "expected an array of strings");
            out.push_back(*s);
        }
        return out;
    }

    // A secret may be given in clear (`key`), by environment variable (`key_env`) or by file
    // (`key_file`, first line), so production files need not hold it.
    std::optional<std::string> get_secret(std::string_view key) {
        std::string k(key);
        auto direct = get<std::string>(k);
        auto env = get<std::string>(k + "_env");
        auto file = get<std::string>(k + "_file");
        int given = int(direct.has_value()) + int(env.has_value()) + int(file.has_value());
        if (given > 1) fail(key, "give only one of " + k + ", " + k + "_env and " + k + "_file");
        if (direct) return direct;
        if (env) {
            const char* value = std::getenv(env->c_str());
            if (!value || !*value) fail(k + "_env", "environment variable " + *env + " is not set");
            return std::string(value);
        }
        if (file) {
            std::ifstream in(*file);
            std::string line;
            if (!in || !std::getline(in, line)) fail(k + "_file", "cannot read " + *file);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            return line;
        }
        return std::nullopt;
    }

    TableReader sub(std::string_view key) {
        const toml::node* n = node(key);
        if (n && !n->is_table()) fail(key, "expected a table");
        return TableReader(n ? n->as_table() : nullptr, qualified(key), file_);
    }

    void reject_unknown() const {
        if (!table_) return;
        for (const auto& [key, value] : *table_) {
            if (!used_.contains(std::string(key.str()))) fail(key.str(), "unknown key");
        }
    }

private:
    template <class T>
    static const char* type_name() {
        if constexpr (std::is_same_v<T, std::string>) return "a string";
        else if constexpr (std::is_same_v<T, bool>) return "true or false";
        else return "an integer";
    }

    const toml::table* table_;
    std::string prefix_;
    const std::string& file_;
    std::set<std::string> used_;
};

void read_server(TableReader& t, ServerConfig& s) {
    if (auto listen = t.get<std::string>("listen")) {
        auto parsed = parse_listen(*listen);
        if (!parsed) t.fail("listen", "expected \"HOST:PORT\"");
        s.listen = *parsed;
    }
    auto issuer = t.get<std::string>("issuer");
    if (!issuer) t.fail("issuer", "is required (the exact https URL clients see)");
    if (!(issuer->starts_with("https://") || issuer->starts_with("http://")) || issuer->ends_with("/") ||
        issuer->find_first_of("?#") != std::string::npos)
        t.fail("issuer", "must be an http(s) URL without query, fragment or trailing slash");
    s.issuer = *issuer;
    if (auto v = t.get<std::string>("tls_cert")) s.tls_cert = *v;
    if (auto v = t.get<std::string>("tls_key")) s.tls_key = *v;
    if (s.tls_cert.has_value() != s.tls_key.has_value())
        t.fail(s.tls_cert ? "tls_key" : "tls_cert", "tls_cert and tls_key go together");
    if (auto v = t.get_int("threads", 0, 256)) s.threads = unsigned(*v);
    if (auto v = t.get_strings("trusted_proxies")) s.trusted_proxies = *v;
    if (auto v = t.get<bool>("hsts")) s.hsts = *v;
    if (auto v = t.get<std::string>("static_root")) s.static_root = *v;
    if (auto v = t.get<std::string>("templates_root")) s.templates_root = *v;

    auto limits = t.sub("limits");
    if (auto v = limits.get_int("header_bytes", 1024, 1 << 20)) s.limits.header_bytes = std::size_t(*v);
    if (auto v = limits.get_int("body_bytes", 1024, std::int64_t(1) << 30)) s.limits.body_bytes = std::size_t(*v);
    if (auto v = limits.get_int("read_timeout_ms", 10, 600'000)) s.limits.read_timeout = std::chrono::milliseconds(*v);
    if (auto v = limits.get_int("idle_timeout_ms", 10, 3'600'000)) s.limits.idle_timeout = std::chrono::milliseconds(*v);
    if (auto v = limits.get_int("max_requests_per_connection", 1, 1'000'000)) s.limits.max_requests_per_connection = unsigned(*v);
    if (auto v = limits.get_int("max_connections", 1, 1'000'000)) s.limits.max_connections = unsigned(*v);
    limits.reject_unknown();
}

Config read(const toml::table& root, const std::string& file) {
    Config config;
    config.source = file;
    TableReader top(&root, "", file);

    auto server = top.sub("server");
    read_server(server, config.server);
    server.reject_unknown();

    auto workers = top.sub("workers");
    if (auto v = workers.get_int("threads", 1, 1024)) config.workers.threads = unsigned(*v);
    if (auto v = workers.get_int("queue", 1, 1'000'000)) config.workers.queue = unsigned(*v);
    workers.reject_unknown();

    auto store = top.sub("store");
    auto url = store.get_secret("url");
    if (!url) store.fail("url", "is required: \"sqlite:PATH\" or \"mysql://USER:PASSWORD@HOST:PORT/DATABASE\"");
    if (!url->starts_with("sqlite:") && !url->starts_with("mysql://"))
        store.fail("url", "must start with sqlite: or mysql://");
    config.store.url = *url;
    if (auto v = store.get_int("pool_size", 1, 1024)) config.store.pool_size = unsigned(*v);
    store.reject_unknown();

    auto security = top.sub("security");
    if (auto v = security.get<std::string>("keys_dir")) config.security.keys_dir = *v;
    if (auto v = security.get<std::string>("data_keys_file")) config.security.data_keys_file = *v;
    if (auto v = security.get<bool>("generate_missing")) config.security.generate_missing = *v;
    security.reject_unknown();

    auto passwords = top.sub("passwords");
    // The floor is OWASP's Argon2id minimum; lower values would make stolen hashes cheap to crack.
    if (auto v = passwords.get_int("argon2_memory_kib", 19456, 4 * 1024 * 1024)) config.passwords.argon2_memory_kib = unsigned(*v);
    if (auto v = passwords.get_int("argon2_iterations", 2, 64)) config.passwords.argon2_iterations = unsigned(*v);
    if (auto v = passwords.get_int("argon2_parallelism", 1, 16)) config.passwords.argon2_parallelism = unsigned(*v);
    passwords.reject_unknown();

    auto notifications = top.sub("notifications");
    if (auto v = notifications.get<std::string>("outbox")) config.notifications.outbox = *v;
    notifications.reject_unknown();

    auto log = top.sub("log");
    if (auto v = log.get<std::string>("level")) {
        static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
        if (!levels.contains(*v)) log.fail("level", "must be one of trace, debug, info, warn, error, off");
        config.log.level = *v;
    }
    if (auto v = log.get<std::string>("access_log")) config.log.access_log = *v;
    log.reject_unknown();

    top.reject_unknown();
    return config;
}

}  // namespace

ConfigError::ConfigError(std::string file_, std::string key_, std::string reason_)
    : std::runtime_error(file_ + ": " + (key_.empty() ? "" : key_ + ": ") + reason_),
      file(std::move(file_)), key(std::move(key_)), reason(std::move(reason_)) {}

std::optional<ListenAddress> parse_listen(std::string_view text) {
    ListenAddress out;
    std::string_view host, port;
    if (text.starts_with("[")) {
        auto close = text.find("]:");
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.empty() || port.empty() || port.size() > 5) return std::nullopt;
    unsigned value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + unsigned(c - '0');
    }
    if (value > 65535) return std::nullopt;
    out.host = std::string(host);
    out.port = static_cast<std::uint16_t>(value);
    return out;
}

Config load_text(std::string_view text, const std::string& name) {
    try {
        toml::table root = toml::parse(text, name);
        return read(root, name);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        throw ConfigError(name, "", "line " + std::to_string(where.line) + ", column " + std::to_string(where.column) +
                                        ": " + std::string(e.description()));
    }
}

Config load_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(file.string(), "", "cannot open the file");
    std::ostringstream text;
    text << in.rdbuf();
    return load_text(text.str(), file.string());
}

}  // namespace caf::config
