// A mail or SMS upstream that fails is left alone for a while, so the notification worker does not
// wait out its timeout for every message; a refused address does not open the circuit.
#include "notify/guarded_transport.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "notification_fixture.hpp"

namespace caf::notify {
namespace {

using namespace std::chrono_literals;

struct Guarded {
    ManualClock clock;
    test::FakeTransport* inner = nullptr;
    std::unique_ptr<GuardedTransport> transport;

    Guarded() {
        auto fake = std::make_unique<test::FakeTransport>();
        inner = fake.get();
        transport = std::make_unique<GuardedTransport>(std::move(fake), UpstreamGuard::Settings{1, 1, 30s}, clock);
    }
    std::size_t tries_before(OutgoingMessage message) {
        auto before = inner->sent.size();
        transport->send(message);
        return inner->sent.size() - before;
    }
};

OutgoingMessage message(std::int64_t id) {
    OutgoingMessage m;
    m.id = id;
    m.recipient = "test@example.invalid";
    return m;
}

TEST(GuardedTransport, AnOutageOpensTheCircuitUntilItsDelayHasPassed) {
    Guarded g;
    g.inner->failures = 1;
    auto first = g.transport->send(message(1));
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().reason, "fake: unavailable");
    // Open: refused at once, transient (the queue retries it), the upstream not called.
    auto refused = g.transport->send(message(2));
    ASSERT_FALSE(refused);
    EXPECT_FALSE(refused.error().permanent);
    EXPECT_EQ(refused.error().reason, "not sent: the upstream failed lately");
    EXPECT_TRUE(g.inner->sent.empty());
    g.clock.advance(31s);
    EXPECT_TRUE(g.transport->send(message(3)));
    ASSERT_EQ(g.inner->sent.size(), 1u);
    EXPECT_EQ(g.inner->sent[0].id, 3);
}

TEST(GuardedTransport, APermanentRefusalIsAnAnswerNotAnOutage) {
    Guarded g;
    g.inner->failures = 1;
    g.inner->permanent = true;
    auto refused = g.transport->send(message(1));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().permanent);
    EXPECT_EQ(g.tries_before(message(2)), 1u);  // the next message goes straight through
}

}  // namespace
}  // namespace caf::notify
