// HTTPS with a certificate made for the test, and with the one the dev-certificate script makes.
#include <gtest/gtest.h>

#include <cstdlib>

#include "test_server.hpp"

namespace caf::testing {
namespace {

void expect_https_answers(const std::filesystem::path& certificate, const std::filesystem::path& key) {
    auto options = test_options();
    options.tls = server::TlsFiles{certificate.string(), key.string()};
    TestServer server(options);
    RawClient client(server.port(), certificate);
    ASSERT_TRUE(client.connected()) << "TLS handshake failed";
    EXPECT_TRUE(client.certificate_verified());
    EXPECT_TRUE(client.tls_version() == "TLSv1.3" || client.tls_version() == "TLSv1.2") << client.tls_version();
    client.send(get("/hello"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "hello");
    EXPECT_EQ(response->header("Strict-Transport-Security").value_or(""), "max-age=31536000; includeSubDomains");

    client.send(get("/whoami"));  // keep-alive over TLS, and the request knows it is secure
    auto second = client.read_response();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->body, "127.0.0.1 secure");

    RawClient plain(server.port());
    plain.send(get("/hello"));
    auto refused = plain.read_response(false, 1s);
    EXPECT_TRUE(!refused || refused->status != 200) << "plain HTTP is not served on the TLS port";
}

TEST(Tls, AnswersOverHttpsAndSetsHsts) {
    TempDir dir;
    write_self_signed_certificate(dir.path() / "cert.pem", dir.path() / "key.pem");
    expect_https_answers(dir.path() / "cert.pem", dir.path() / "key.pem");
}

TEST(Tls, DevCertificateScriptMakesAServableCertificate) {
    ASSERT_EQ(std::system("command -v openssl >/dev/null 2>&1"), 0) << "the openssl command is needed (apt-get install openssl)";
    TempDir dir;
    const std::string command = std::string("sh '") + CAF_SOURCE_DIR + "/certs/make-dev-certs.sh' '" +
                                dir.path().string() + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    expect_https_answers(dir.path() / "server.crt", dir.path() / "server.key");
}

TEST(Tls, MissingCertificateIsAStartupError) {
    auto options = test_options();
    options.tls = server::TlsFiles{"/nonexistent/cert.pem", "/nonexistent/key.pem"};
    http::Router routes;
    server::Server server(options, routes, [] { return true; });
    EXPECT_THROW(server.start(), std::runtime_error);
}

}  // namespace
}  // namespace caf::testing
