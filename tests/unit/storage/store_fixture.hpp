// The conformance fixture: every typed storage test runs once on SQLite (a temp file per test)
// and once on MariaDB (a fresh database per test on the server of tests/support/mariadb.sh).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <unistd.h>

#include "storage/store.hpp"

namespace caf::storage::testing {

inline std::string unique_suffix() {
    static std::atomic<int> counter{0};
    static const unsigned salt = std::random_device{}();
    return std::to_string(::getpid()) + "_" + std::to_string(salt % 100000) + "_" + std::to_string(counter++);
}

struct SqliteBackend {
    static constexpr const char* name = "Sqlite";

    // A database URL of its own; empty and a test failure when it cannot be made.
    static std::string create() {
        auto path = std::filesystem::path(::testing::TempDir()) / ("caf_storage_" + unique_suffix() + ".db");
        return "sqlite:" + path.string();
    }
    static void destroy(const std::string& url) {
        const std::string path = url.substr(7);
        for (const char* ext : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + ext);
    }
};

struct MariadbBackend {
    static constexpr const char* name = "MariaDB";

    // The server URL (ending in '/'): CAF_TEST_MYSQL_URL, else the file named by
    // CAF_TEST_MYSQL_URL_FILE that the CTest fixture writes.
    static std::string server_url() {
        if (const char* url = std::getenv("CAF_TEST_MYSQL_URL"); url && *url) return url;
        if (const char* file = std::getenv("CAF_TEST_MYSQL_URL_FILE"); file && *file) {
            std::ifstream in(file);
            std::string url;
            if (in >> url) return url;
        }
        return {};
    }

    static std::string create() {
        const std::string server = server_url();
        if (server.empty()) {
            ADD_FAILURE() << "No MariaDB server for the storage tests: run them through ctest (the "
                             "storage_mariadb fixture starts one with tests/support/mariadb.sh, which "
                             "needs mariadb-server installed), or set CAF_TEST_MYSQL_URL to "
                             "mysql://USER:PASSWORD@HOST:PORT/";
            return {};
        }
        const std::string name = "caf_test_" + unique_suffix();
        auto admin = open_database(server, 1);
        admin->session([&](Connection& c) {
            c.exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        });
        return server + name;
    }
    static void destroy(const std::string& url) {
        const auto slash = url.rfind('/');
        auto admin = open_database(url.substr(0, slash + 1), 1);
        admin->session([&](Connection& c) { c.exec("DROP DATABASE IF EXISTS " + url.substr(slash + 1)); });
    }
};

struct BackendNames {
    template <class T>
    static std::string GetName(int) {
        return T::name;
    }
};

using Backends = ::testing::Types<SqliteBackend, MariadbBackend>;

// Times are plain numbers: the store never reads a clock.
constexpr std::int64_t t0 = 1'700'000'000;

template <class Backend>
class StoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        url_ = Backend::create();
        if (url_.empty()) GTEST_FAIL() << "no database for backend " << Backend::name;
        store_ = open_store(url_, 8);
    }
    void TearDown() override {
        store_.reset();
        if (!url_.empty()) Backend::destroy(url_);
    }

    Store& store() { return *store_; }
    Database& db() { return store_->database(); }

    // An account with a NIR lookup (and nothing else that matters), for tests needing one.
    std::int64_t new_account(const std::string& nir_lookup = "", std::int64_t now = t0) {
        NewAccount a;
        a.nir_lookup = nir_lookup.empty() ? "nir-lookup-" + std::to_string(next_++) : nir_lookup;
        a.nir_sealed = "sealed";
        a.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA";
        a.password_changed_at = now;
        return store().accounts().create(a, now);
    }

    std::string url_;
    std::unique_ptr<Store> store_;
    int next_ = 1;
};

}  // namespace caf::storage::testing
