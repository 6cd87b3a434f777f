// The cafconnect binary as an operator uses it: usage errors, configuration errors, and `serve`
// answering on SQLite and on MariaDB, then stopping cleanly on SIGTERM.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "http_client.hpp"

extern char** environ;

namespace {

using caf::testing::RawClient;
using caf::testing::TempDir;

struct Finished {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A child process with stdout/stderr redirected to files in `dir`.
class Child {
public:
    Child(std::vector<std::string> args, const std::filesystem::path& dir) : dir_(dir) {
        args.insert(args.begin(), CAFCONNECT_BINARY);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, (dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, 2, (dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }
    ~Child() {
        if (pid_ > 0 && !waited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    void signal(int sig) { ::kill(pid_, sig); }
    Finished wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        waited_ = true;
        return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_file(dir_ / "stdout"),
                read_file(dir_ / "stderr")};
    }
    // The first stdout line, once the program has printed it (bounded wait).
    std::optional<nlohmann::json> listening_line(std::chrono::seconds timeout = std::chrono::seconds(20)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto text = read_file(dir_ / "stdout");
            if (auto eol = text.find('\n'); eol != std::string::npos) return nlohmann::json::parse(text.substr(0, eol));
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                waited_ = true;
                return std::nullopt;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return std::nullopt;
    }

private:
    pid_t pid_ = -1;
    bool waited_ = false;
    std::filesystem::path dir_;
};

Finished run(std::vector<std::string> args, const std::filesystem::path& dir) { return Child(std::move(args), dir).wait(); }

// A configuration for a server on a free port with everything under `dir`.
std::filesystem::path write_config(const std::filesystem::path& dir, const std::string& store_line,
                                   const std::string& extra = "") {
    auto file = dir / "caf.toml";
    std::ofstream out(file);
    out << "[server]\nlisten = \"127.0.0.1:0\"\nissuer = \"http://localhost\"\n"
        << "static_root = \"" << CAF_SOURCE_DIR << "/web/static\"\n"
        << "templates_root = \"" << CAF_SOURCE_DIR << "/web/templates\"\n"
        << "[store]\n" << store_line << "\n"
        << "[security]\nkeys_dir = \"" << (dir / "keys").string() << "\"\ndata_keys_file = \""
        << (dir / "data-keys").string() << "\"\ngenerate_missing = true\n"
        << "[log]\naccess_log = \"off\"\n"
        << extra;
    return file;
}

void serve_answers_and_stops(const std::filesystem::path& dir, const std::filesystem::path& config) {
    Child server({"serve", "--config", config.string()}, dir);
    auto line = server.listening_line();
    ASSERT_TRUE(line.has_value()) << read_file(dir / "stderr");
    EXPECT_EQ((*line)["event"], "listening");
    std::string url = (*line)["url"];
    auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
    for (const char* path : {"/healthz", "/readyz"}) {
        RawClient client(port);
        client.send(caf::testing::get(path));
        auto response = client.read_response();
        ASSERT_TRUE(response.has_value());
        EXPECT_EQ(response->status, 200) << path;
    }
    server.signal(SIGTERM);
    auto done = server.wait();
    EXPECT_EQ(done.exit_code, 0) << done.err;
}

}  // namespace

TEST(Cli, NoCommandPrintsUsageAndExits2) {
    TempDir dir;
    auto result = run({}, dir.path());
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE((result.out + result.err).find("Usage: cafconnect"), std::string::npos);
}

TEST(Cli, MissingConfigOptionExits2) {
    TempDir dir;
    auto result = run({"serve"}, dir.path());
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("--config"), std::string::npos);
}

TEST(Cli, HelpExits0) {
    TempDir dir;
    auto result = run({"keys", "rotate", "--help"}, dir.path());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_NE(result.out.find("--activation-delay"), std::string::npos);
}

TEST(Cli, BadConfigurationExits1NamingFileKeyAndReason) {
    TempDir dir;
    auto config = write_config(dir.path(), "url = \"sqlite:x.db\"", "[server.limits]\nheader_bytes = \"big\"\n");
    auto result = run({"migrate", "--config", config.string()}, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find(config.string()), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("server.limits.header_bytes"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("expected an integer"), std::string::npos) << result.err;
}

TEST(Cli, UnreachableStoreExits1) {
    TempDir dir;
    auto config = write_config(dir.path(), "url = \"mysql://nobody:x@127.0.0.1:1/caf\"");
    auto result = run({"migrate", "--config", config.string()}, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("store error (unavailable)"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("nobody:x"), std::string::npos) << "the password must not be printed";
}

TEST(Cli, AnEnvironmentVariableOverridesAKeyOfTheFileAndIsNamedWhenWrong) {
    TempDir dir;
    auto config = write_config(dir.path(), "url = \"sqlite:" + (dir.path() / "file.db").string() + "\"");
    const auto elsewhere = dir.path() / "from-environment.db";
    ::setenv("CAFCONNECT__STORE__URL", ("sqlite:" + elsewhere.string()).c_str(), 1);
    auto migrated = run({"migrate", "--config", config.string()}, dir.path());
    ::unsetenv("CAFCONNECT__STORE__URL");
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    EXPECT_TRUE(std::filesystem::exists(elsewhere));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "file.db"));

    ::setenv("CAFCONNECT__SERVER__LIMITS__HEADER_BYTES", "big", 1);
    auto refused = run({"migrate", "--config", config.string()}, dir.path());
    ::unsetenv("CAFCONNECT__SERVER__LIMITS__HEADER_BYTES");
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("server.limits.header_bytes"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("set by CAFCONNECT__SERVER__LIMITS__HEADER_BYTES"), std::string::npos) << refused.err;
}

TEST(Cli, MigrateTwiceAppliesNothingTheSecondTime) {
    TempDir dir;
    auto config = write_config(dir.path(), "url = \"sqlite:" + (dir.path() / "caf.db").string() + "\"");
    auto first = run({"migrate", "--config", config.string()}, dir.path());
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_FALSE(nlohmann::json::parse(first.out)["applied"].empty());
    auto second = run({"migrate", "--config", config.string()}, dir.path());
    EXPECT_TRUE(nlohmann::json::parse(second.out)["applied"].empty());
}

TEST(Cli, ReleaseLockOnSqliteReleasesNothing) {
    // SQLite's migrations hold no lock row: the command says so and succeeds.
    TempDir dir;
    auto config = write_config(dir.path(), "url = \"sqlite:" + (dir.path() / "caf.db").string() + "\"");
    auto result = run({"migrate", "--release-lock", "--config", config.string()}, dir.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(nlohmann::json::parse(result.out), (nlohmann::json{{"released", false}, {"owner", ""}}));
}

TEST(Cli, ImportReportsCreatedUnchangedAndFailedLines) {
    TempDir dir;
    auto config = write_config(dir.path(), "url = \"sqlite:" + (dir.path() / "caf.db").string() + "\"");
    auto accounts = dir.path() / "accounts.jsonl";
    std::ofstream(accounts) << "{\"provisional_id\":\"P12345678\"}\n{\"nir\":\"123\"}\n";
    auto first = run({"import", "--config", config.string(), accounts.string()}, dir.path());
    EXPECT_EQ(first.exit_code, 1);
    EXPECT_EQ(nlohmann::json::parse(first.out),
              (nlohmann::json{{"created", 1}, {"unchanged", 0}, {"memberships_added", 0}, {"failed", 1}}));
    EXPECT_NE(first.err.find("accounts.jsonl:2: nir:"), std::string::npos) << first.err;
    auto second = run({"import", "--config", config.string(), accounts.string()}, dir.path());
    EXPECT_EQ(nlohmann::json::parse(second.out)["unchanged"], 1);
}

TEST(Cli, KeysRotatePublishesANewKid) {
    TempDir dir;
    auto config = write_config(dir.path(), "url = \"sqlite:" + (dir.path() / "caf.db").string() + "\"");
    auto before = nlohmann::json::parse(run({"keys", "list", "--config", config.string()}, dir.path()).out);
    auto rotated = run({"keys", "rotate", "--config", config.string(), "--alg", "ES256"}, dir.path());
    ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
    auto after = nlohmann::json::parse(run({"keys", "list", "--config", config.string()}, dir.path()).out);
    EXPECT_EQ(after.size(), before.size() + 1);
    auto bad = run({"keys", "rotate", "--config", config.string(), "--alg", "none"}, dir.path());
    EXPECT_EQ(bad.exit_code, 2);
}

TEST(Cli, ServeOnSqliteAnswersAndStopsOnSigterm) {
    TempDir dir;
    auto config = write_config(dir.path(), "url = \"sqlite:" + (dir.path() / "caf.db").string() + "\"");
    serve_answers_and_stops(dir.path(), config);
}

TEST(Cli, ServeOnMariadbAnswersAndStopsOnSigterm) {
    const char* url_file = std::getenv("CAF_TEST_MYSQL_URL_FILE");
    ASSERT_NE(url_file, nullptr) << "run through ctest: the storage_mariadb fixture starts MariaDB";
    std::string server = read_file(url_file);
    while (!server.empty() && server.back() == '\n') server.pop_back();
    ASSERT_FALSE(server.empty());
    // The fixture's user may create databases: one for this test.
    TempDir dir;
    std::string database = "caf_cli_" + std::to_string(::getpid());
    std::string client = "mariadb --no-defaults --socket=" +
                         std::filesystem::path(url_file).parent_path().string() + "/mariadbd.sock -uroot -e 'CREATE DATABASE IF NOT EXISTS " + database + "'";
    ASSERT_EQ(std::system(client.c_str()), 0);
    auto config = write_config(dir.path(), "url = \"" + server + database + "\"");
    serve_answers_and_stops(dir.path(), config);
}
