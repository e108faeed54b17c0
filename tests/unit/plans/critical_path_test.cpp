#include "plans/critical_path.hpp"
#include "providers/vos/vos_units.hpp"

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
  // upload 2 (the command and the paste), then uccx1's restart: its command, 10, its service-list check (ends at
  // 14), then uccx2's restart and check: 26.
  EXPECT_DOUBLE_EQ(critical_path_seconds(plan, model), 26);

  Plan busy;
  for (int i = 0; i < 30; ++i) busy.graph.add(make(ActionKind::upload_trust, "uccx1"));
  busy.order = *busy.graph.topological_order();
  EXPECT_DOUBLE_EQ(critical_path_seconds(busy, model), 60) << "one node does one thing at a time";
}

// Each kind costs the exchanges the VOS runner sends (providers/vos/vos_action_runner.cpp) plus its own wait.
TEST(CriticalPath, EachActionCostsTheExchangesTheRunnerSendsAndItsOwnWait) {
  DurationModel model{.command_s = 1, .restart_s = 100, .restart_by_service = {{"Cisco Tomcat", 240}},
                      .system_restart_s = 900, .replication_s = 60, .pinned_unit = "tomcat"};
  Action a = make(ActionKind::upload_trust, "n");
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 2);
  a.kind = ActionKind::delete_trust;
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 3);
  a.kind = ActionKind::wait_replication;
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 62);
  a = make(ActionKind::restart_service, "n");  // Cisco Tomcat: its own restart_s
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 242);
  a.service = "cisco tomcat";  // names compare as the CLI's do, whatever the case
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 242);
  a.service = "Cisco Unified CCX Engine";
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 102);
  a.kind = ActionKind::restart_system;
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 902);
  a = make(ActionKind::renew_identity, "n");
  a.store = "tomcat";  // read back once more to pin the new identity
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 7);
  a.store = "tomcat-ECDSA";
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 6);
  a.kind = ActionKind::install_identity;
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 3);
  a.kind = ActionKind::regenerate_identity;
  EXPECT_DOUBLE_EQ(action_seconds(a, model), 2);
}

TEST(CriticalPath, TheModelIsTheSitesTiming) {
  Timing timing;
  timing.command_s = 0.5;
  timing.restart_s = 30;
  timing.restart_by_service = {{"Cisco Tomcat", 60}};
  timing.system_restart_s = 300;
  timing.replication_s = 10;
  DurationModel model = DurationModel::from(timing, trustctl::providers::vos_units());
  EXPECT_EQ(model.command_s, 0.5);
  EXPECT_EQ(model.restart_for("Cisco Tomcat"), 60);
  EXPECT_EQ(model.restart_for("Cisco Finesse Notification Service"), 30);
  EXPECT_EQ(model.system_restart_s, 300);
  EXPECT_EQ(model.replication_s, 10);
  EXPECT_EQ(model.pinned_unit, "tomcat");  // the providers' RSA identity: its new certificate is read back to pin
}

}  // namespace
}  // namespace trustctl::plans
