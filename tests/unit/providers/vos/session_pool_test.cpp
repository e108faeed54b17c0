#include "providers/vos/session_pool.hpp"

#include "support/test_site.hpp"
#include "unit/providers/fake_cli_session.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace trustctl::providers {
namespace {

struct PoolHarness {
  Site site;
  int opened = 0;
  fakes::FakeCliSession* last = nullptr;  // the session opened last (owned by the pool)
  std::unique_ptr<SessionPool> pool;

  PoolHarness() {
    site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1"}));
    ConnectOptions options;
    options.opener = [this](const Node&) -> Result<std::unique_ptr<transport::CliSession>> {
      ++opened;
      auto fake = std::make_unique<fakes::FakeCliSession>();
      fake->responses["utils service list"] = "Cisco Tomcat[STARTED]\n";
      last = fake.get();
      return std::unique_ptr<transport::CliSession>(std::move(fake));
    };
    pool = std::make_unique<SessionPool>(options);
  }
  const Node& node() const { return site.clusters[0].nodes[0]; }
  Result<void> use(std::optional<ErrorCode> failing = std::nullopt) {
    return pool->with_session(node(), [&](transport::CliSession& session) -> Result<void> {
      if (failing) return fail(*failing, "scripted");
      return session.run("utils service list").map([](const std::string&) {});
    });
  }
};

TEST(SessionPool, KeepsTheSessionAcrossCallsAndAfterAnApplianceRefusal) {
  PoolHarness h;
  ASSERT_TRUE(h.use());
  ASSERT_TRUE(h.use());
  EXPECT_FALSE(h.use(ErrorCode::appliance_refused));
  ASSERT_TRUE(h.use());
  EXPECT_EQ(h.opened, 1);
}

TEST(SessionPool, ASessionThatLostItsConnectionIsNeverUsedAgain) {
  for (ErrorCode code : {ErrorCode::connection, ErrorCode::timeout, ErrorCode::host_key, ErrorCode::authentication}) {
    PoolHarness h;
    ASSERT_TRUE(h.use());
    EXPECT_FALSE(h.use(code));
    ASSERT_TRUE(h.use());
    EXPECT_EQ(h.opened, 2) << to_string(code);
  }
}

TEST(SessionPool, ASessionTheNodeClosedWhileIdleIsReplacedBeforeAnythingIsSentOnIt) {
  PoolHarness h;
  ASSERT_TRUE(h.use());
  fakes::FakeCliSession* idle = h.last;
  ASSERT_EQ(idle->commands.size(), 1u);
  idle->alive = false;
  ASSERT_TRUE(h.use()) << "the caller never sees the idle drop";
  EXPECT_EQ(h.opened, 2);
  EXPECT_EQ(h.last->commands, std::vector<std::string>{"utils service list"});
}

// restart_services = "together": a restart finds the node's usual session busy with another restart and opens its
// own; one at a time, restarts keep using the usual session.
TEST(SessionPool, AnIdleSessionIsTheUsualOneUnlessItIsBusyThenAnotherIsOpened) {
  PoolHarness h;
  auto list = [](transport::CliSession& session) -> Result<void> {
    return session.run("utils service list").map([](const std::string&) {});
  };
  ASSERT_TRUE(h.pool->with_idle_session(h.node(), list));
  ASSERT_TRUE(h.pool->with_idle_session(h.node(), list));
  EXPECT_EQ(h.opened, 1) << "nothing else ran: the usual session";

  std::promise<void> holding, release;
  auto released = release.get_future().share();
  std::thread busy([&] {
    (void)h.pool->with_session(h.node(), [&](transport::CliSession&) -> Result<void> {
      holding.set_value();
      released.wait();
      return {};
    });
  });
  holding.get_future().wait();
  transport::CliSession* used = nullptr;
  ASSERT_TRUE(h.pool->with_idle_session(h.node(), [&](transport::CliSession& session) -> Result<void> {
    used = &session;
    return list(session);
  }));
  release.set_value();
  busy.join();
  EXPECT_EQ(h.opened, 2) << "the usual session was busy: a second one";
  EXPECT_EQ(used, h.last);
  ASSERT_TRUE(h.pool->with_idle_session(h.node(), list));
  EXPECT_EQ(h.opened, 2) << "both are idle again and kept";
}

}  // namespace
}  // namespace trustctl::providers
