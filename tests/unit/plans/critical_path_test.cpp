#include "plans/critical_path.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

Action make(ActionKind kind, const std::string& node) {
  Action a;
  a.kind = kind;
  a.node = node;
  a.service = kind == ActionKind::restart_service ? "Cisco Tomcat" : "";
  return a;
}

TEST(CriticalPath, IsTheLongestWeightedPathOrTheBusiestNode) {
  Plan plan;
  auto up = plan.graph.add(make(ActionKind::upload_trust, "uccx1"));
  auto wait = plan.graph.add(make(ActionKind::wait_replication, "uccx2"));
  auto r1 = plan.graph.add(make(ActionKind::restart_service, "uccx1"));
  auto r2 = plan.graph.add(make(ActionKind::restart_service, "uccx2"));
  plan.graph.order(up, wait, "replication");
  plan.graph.order(up, r1, "restarts-last");
  plan.graph.order(wait, r2, "restarts-last");
  plan.graph.order(r1, r2, "rolling");
  plan.order = *plan.graph.topological_order();
  DurationModel model{.command_s = 1, .restart_s = 10, .replication_s = 3};
  // upload 1, then uccx1 restart 10 and its service-list check 1 (ends at 12), then uccx2's restart and check: 23.
  EXPECT_DOUBLE_EQ(critical_path_seconds(plan, model), 23);

  Plan busy;
  for (int i = 0; i < 30; ++i) busy.graph.add(make(ActionKind::upload_trust, "uccx1"));
  busy.order = *busy.graph.topological_order();
  EXPECT_DOUBLE_EQ(critical_path_seconds(busy, model), 30) << "one node does one thing at a time";
}

}  // namespace
}  // namespace trustctl::plans
