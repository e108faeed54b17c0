#include "providers/vos/session_pool.hpp"

#include "support/test_site.hpp"
#include "unit/providers/fake_cli_session.hpp"

#include <gtest/gtest.h>

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
    pool = std::make_unique<SessionPool>(site, options);
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

}  // namespace
}  // namespace trustctl::providers
