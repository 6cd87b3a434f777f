// /static/* serves files from the configured root and nothing outside it.
#include <gtest/gtest.h>

#include <fstream>

#include "test_server.hpp"

namespace caf::testing {
namespace {

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

class StaticFilesTest : public ::testing::Test {
protected:
    StaticFilesTest() {
        write_file(dir.path() / "static" / "css" / "app.css", "body { color: #000; }");
        write_file(dir.path() / "static" / "checklist.js", "console.log(1);");
        write_file(dir.path() / "secret.txt", "TOP-SECRET");
        std::filesystem::create_symlink(dir.path() / "secret.txt", dir.path() / "static" / "link.txt");
        auto options = test_options();
        options.static_root = (dir.path() / "static").string();
        options.static_max_age = std::chrono::seconds(600);
        server = std::make_unique<TestServer>(options);
    }
    TempDir dir;
    std::unique_ptr<TestServer> server;
};

TEST_F(StaticFilesTest, FilesAreServedWithTheirContentTypeAndAPublicCacheLifetime) {
    auto css = server->fetch(get("/static/css/app.css"));
    ASSERT_TRUE(css);
    EXPECT_EQ(css->status, 200);
    EXPECT_EQ(css->body, "body { color: #000; }");
    EXPECT_EQ(css->header("Content-Type").value_or(""), "text/css; charset=utf-8");
    EXPECT_EQ(css->header("Cache-Control").value_or(""), "public, max-age=600");
    EXPECT_EQ(css->header("X-Content-Type-Options").value_or(""), "nosniff");

    auto js = server->fetch(get("/static/checklist.js"));
    ASSERT_TRUE(js);
    EXPECT_EQ(js->header("Content-Type").value_or(""), "text/javascript; charset=utf-8");

    auto missing = server->fetch(get("/static/missing.css"));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
}

TEST_F(StaticFilesTest, PathTraversalIsRefused) {
    for (const char* target : {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt",
                               "/static/css/../../secret.txt", "/static/link.txt", "/static//etc/passwd",
                               "/static/..%5csecret.txt"}) {
        auto response = server->fetch(get(target));
        ASSERT_TRUE(response) << target;
        EXPECT_EQ(response->status, 404) << target;
        EXPECT_EQ(response->body.find("TOP-SECRET"), std::string::npos) << target;
        EXPECT_EQ(response->body.find("root:"), std::string::npos) << target;
    }
}

}  // namespace
}  // namespace caf::testing
