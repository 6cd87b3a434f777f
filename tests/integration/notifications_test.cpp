// Notifications over real sockets on 127.0.0.1 (SPEC.md §10): mail to a real SMTP server
// (tests/support/smtp_sink.py, aiosmtpd), SMS to an HTTP gateway stub, and a gateway that fails
// then recovers: the message arrives exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "notify/notification_dispatcher.hpp"
#include "notify/notifier.hpp"
#include "notify/sms_gateway_transport.hpp"
#include "net/httplib_fetcher.hpp"
#include "notify/smtp_transport.hpp"
#include "core/random.hpp"
#include "storage/audit_log.hpp"
#include "storage/migrations.hpp"
#include "storage/notifications.hpp"

namespace caf::account {
namespace {

using namespace std::chrono_literals;

std::filesystem::path temp_file(const std::string& stem) {
    static std::atomic<int> counter{0};
    return std::filesystem::temp_directory_path() /
           ("caf-notify-it-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + stem);
}

// tests/support/smtp_sink.py as a child process: started, asked for its port, terminated by pid.
class SmtpSink {
public:
    explicit SmtpSink(int port = 0) : out_(temp_file("smtp.jsonl")) {
        const std::string port_text = std::to_string(port);
        int pipe_fds[2];
        if (::pipe(pipe_fds) != 0) return;
        const std::string script = std::string(CAF_SOURCE_DIR) + "/tests/support/smtp_sink.py";
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(pipe_fds[1], STDOUT_FILENO);
            ::close(pipe_fds[0]);
            ::close(pipe_fds[1]);
            ::execl(CAF_PYTHON3, CAF_PYTHON3, script.c_str(), "--out", out_.c_str(), "--port",
                    port_text.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(pipe_fds[1]);
        std::string line;
        char c;
        while (::read(pipe_fds[0], &c, 1) == 1 && c != '\n') line += c;
        ::close(pipe_fds[0]);
        if (!line.empty()) port_ = std::stoi(line);
    }
    ~SmtpSink() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        std::filesystem::remove(out_);
    }
    int port() const { return port_; }

    // The messages received so far, waiting up to `timeout` for at least `count`.
    std::vector<nlohmann::json> received(std::size_t count, std::chrono::milliseconds timeout = 10s) const {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            std::vector<nlohmann::json> messages;
            std::ifstream in(out_);
            std::string line;
            while (std::getline(in, line))
                if (!line.empty()) messages.push_back(nlohmann::json::parse(line));
            if (messages.size() >= count || std::chrono::steady_clock::now() > deadline) return messages;
            std::this_thread::sleep_for(20ms);
        }
    }

private:
    std::filesystem::path out_;
    pid_t pid_ = -1;
    int port_ = 0;
};

// An SMS gateway: checks the bearer token and the JSON, answers 500 `failures` times first.
class GatewayStub {
public:
    explicit GatewayStub(int failures = 0) : failures_(failures) {
        server_.Post("/v1/sms", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mutex_);
            ++requests;
            if (req.get_header_value("Authorization") != "Bearer gateway-token") {
                res.status = 401;
                return;
            }
            auto body = nlohmann::json::parse(req.body, nullptr, false);
            if (req.get_header_value("Content-Type") != "application/json" || !body.is_object() ||
                !body["to"].is_string() || !body["text"].is_string()) {
                res.status = 400;
                return;
            }
            if (failures_ > 0) {
                --failures_;
                res.status = 500;
                return;
            }
            accepted.push_back(body);
            res.status = 201;
            res.set_content(nlohmann::json{{"id", "sms-" + std::to_string(accepted.size())}}.dump(), "application/json");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
    }
    ~GatewayStub() {
        server_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/sms"; }

    std::mutex mutex_;
    int requests = 0;
    std::vector<nlohmann::json> accepted;

private:
    httplib::Server server_;
    int failures_;
    int port_ = 0;
    std::thread thread_;
};

class NotificationsIntegration : public ::testing::Test {
protected:
    void SetUp() override {
        db_path_ = temp_file("queue.db");
        db_ = storage::open_database("sqlite:" + db_path_.string(), 4);
        storage::migrate(*db_);
        queue_ = std::make_unique<storage::Notifications>(*db_);
        audit_ = std::make_unique<storage::AuditLog>(*db_);
        templates_ = std::make_unique<notify::NotificationTemplates>(std::filesystem::path(CAF_SOURCE_DIR) / "web/templates");
    }
    void TearDown() override {
        audit_.reset();
        queue_.reset();
        db_.reset();
        for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path_.string() + suffix);
    }
    std::int64_t enqueue(const notify::Notification& n) {
        notify::Notifier notifier(*queue_, protector_);
        return db_->transaction([&](storage::Connection& c) { return notifier.enqueue(c, n, clock_.now()); });
    }
    notify::NotificationDispatcher dispatcher(notify::ChannelTransports transports) {
        notify::DispatcherSettings settings;
        settings.retry = {.max_attempts = 5, .base_delay = 30, .max_delay = 3600};
        return notify::NotificationDispatcher(*db_, *queue_, *audit_, protector_, *templates_, transports, settings);
    }
    std::string status(std::int64_t id) {
        return db_->read([&](storage::Connection& c) { return queue_->find(c, id)->status; });
    }

    std::filesystem::path db_path_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<storage::Notifications> queue_;
    std::unique_ptr<storage::AuditLog> audit_;
    std::unique_ptr<notify::NotificationTemplates> templates_;
    PersonalDataProtector protector_{std::string(32, 'd'), std::string(32, 'l')};
    ManualClock clock_;
    net::HttplibFetcher fetcher_;
};

TEST_F(NotificationsIntegration, ACodeByMailReachesARealSmtpServerWithItsFrenchSubject) {
    SmtpSink sink;
    ASSERT_GT(sink.port(), 0) << "tests/support/smtp_sink.py did not start (python3-aiosmtpd)";
    notify::SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    settings.from = "Mon Compte <no-reply@caf.fr>";
    notify::SmtpTransport smtp(settings, system_random());
    const auto id = enqueue(notify::verification_code_message(notify::NotificationChannel::email, "marie.dupont@example.fr", "482913", 15min));

    auto d = dispatcher({&smtp, nullptr, nullptr});
    EXPECT_EQ(d.run_once(clock_.now()).sent, 1);
    EXPECT_EQ(status(id), "sent");

    const auto messages = sink.received(1);
    ASSERT_EQ(messages.size(), 1u);
    const auto& m = messages[0];
    EXPECT_EQ(m["mail_from"], "no-reply@caf.fr");
    EXPECT_EQ(m["rcpt_tos"], nlohmann::json::array({"marie.dupont@example.fr"}));
    EXPECT_EQ(m["subject"], "Mon Compte : votre code de vérification");
    EXPECT_EQ(m["content_type"], "text/plain");
    EXPECT_EQ(m["charset"], "utf-8");
    EXPECT_NE(m["body"].get<std::string>().find(
                  "Votre code de vérification Mon Compte : 482913. Il est valable 15 minutes. "
                  "A noter : ce code de vérification est à usage unique."),
              std::string::npos);
    EXPECT_FALSE(m["date"].get<std::string>().empty());
    EXPECT_NE(m["message_id"].get<std::string>().find("@caf.fr>"), std::string::npos);
}

TEST_F(NotificationsIntegration, AnSmtpServerThatIsDownIsRetriedThenTheMailArrives) {
    // A port nothing listens on yet: find one by starting and stopping a sink.
    int port = 0;
    {
        SmtpSink probe;
        port = probe.port();
    }
    ASSERT_GT(port, 0);
    notify::SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(port);
    settings.from = "no-reply@caf.fr";
    settings.connect_timeout = 2s;
    notify::SmtpTransport smtp(settings, system_random());
    const auto id = enqueue(notify::freeze_notice(notify::NotificationChannel::email, "marie.dupont@example.fr", 10min));
    auto d = dispatcher({&smtp, nullptr, nullptr});
    EXPECT_EQ(d.run_once(clock_.now()).retried, 1);
    EXPECT_EQ(status(id), "pending");

    SmtpSink sink(port);  // the relay comes back
    ASSERT_EQ(sink.port(), port);
    clock_.advance(30s);  // the first backoff
    EXPECT_EQ(d.run_once(clock_.now()).sent, 1);
    EXPECT_EQ(status(id), "sent");
    const auto messages = sink.received(1);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]["subject"], "Mon Compte : votre compte est bloqué temporairement");
    EXPECT_NE(messages[0]["body"].get<std::string>().find("bloqué pendant 10 minutes"), std::string::npos);
}

TEST_F(NotificationsIntegration, AnSmsReachesTheGatewayWithTheBearerTokenAndJson) {
    GatewayStub gateway;
    notify::SmsGatewayTransport sms({.url = gateway.url(), .token = "gateway-token"}, fetcher_);
    const auto id = enqueue(notify::freeze_notice(notify::NotificationChannel::sms, "06 12 34 56 78", 10min));
    auto d = dispatcher({nullptr, &sms, nullptr});
    EXPECT_EQ(d.run_once(clock_.now()).sent, 1);
    EXPECT_EQ(status(id), "sent");
    std::lock_guard lock(gateway.mutex_);
    ASSERT_EQ(gateway.accepted.size(), 1u);
    EXPECT_EQ(gateway.accepted[0]["to"], "+33612345678");
    EXPECT_EQ(gateway.accepted[0]["text"],
              "Votre compte Mon Compte a été bloqué pendant 10 minutes suite à plusieurs tentatives de connexion "
              "infructueuses. Si vous n'êtes pas à l'origine de ces tentatives, modifiez votre mot de passe.");
}

TEST_F(NotificationsIntegration, AWrongGatewayTokenIsAnErrorNotADelivery) {
    GatewayStub gateway;
    notify::SmsGatewayTransport sms({.url = gateway.url(), .token = "wrong"}, fetcher_);
    const auto id = enqueue(notify::freeze_notice(notify::NotificationChannel::sms, "0612345678", 10min));
    auto d = dispatcher({nullptr, &sms, nullptr});
    EXPECT_EQ(d.run_once(clock_.now()).retried, 1);
    EXPECT_EQ(status(id), "pending");
    EXPECT_NE(db_->read([&](storage::Connection& c) { return *queue_->find(c, id)->last_error; }).find("401"),
              std::string::npos);
}

TEST_F(NotificationsIntegration, AGatewayThatFailsTwiceThenRecoversDeliversExactlyOnce) {
    GatewayStub gateway(2);
    notify::SmsGatewayTransport sms({.url = gateway.url(), .token = "gateway-token"}, fetcher_);
    const auto id = enqueue(notify::verification_code_message(notify::NotificationChannel::sms, "0712345678", "246810", 10min));
    auto d = dispatcher({nullptr, &sms, nullptr});
    int sent = 0;
    for (int i = 0; i < 20 && sent == 0; ++i) {
        sent += d.run_once(clock_.now()).sent;
        clock_.advance(1min);
    }
    // Later polls find nothing left to send.
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(d.run_once(clock_.now()).claimed, 0);
        clock_.advance(1h);
    }
    EXPECT_EQ(sent, 1);
    EXPECT_EQ(status(id), "sent");
    std::lock_guard lock(gateway.mutex_);
    EXPECT_EQ(gateway.requests, 3);
    ASSERT_EQ(gateway.accepted.size(), 1u);
    EXPECT_EQ(gateway.accepted[0]["to"], "+33712345678");
    EXPECT_NE(gateway.accepted[0]["text"].get<std::string>().find("246810"), std::string::npos);
}

}  // namespace
}  // namespace caf::account
