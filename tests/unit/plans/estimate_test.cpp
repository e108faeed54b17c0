#include "plans/estimate.hpp"

#include "engine/graph/ordering_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace trustctl::plans {
namespace {

Action make(ActionKind kind, const std::string& node, const std::string& cluster, const std::string& service = {}) {
  Action a;
  a.kind = kind;
  a.node = node;
  a.cluster = cluster;
  a.service = service;
  a.store = "tomcat-trust";
  return a;
}

// uccx: an upload on uccx1, its wait on uccx2, then each node's Cisco Tomcat and CCX Engine, rolling; sm: an upload
// and a restart on sm1, independent of uccx.
Plan two_clusters() {
  Plan plan;
  plan.timing.command_s = 1;
  plan.timing.restart_s = 10;
  plan.timing.restart_by_service = {{"Cisco Tomcat", 20}};
  plan.timing.replication_s = 3;
  auto& g = plan.graph;
  auto up = g.add(make(ActionKind::upload_trust, "uccx1", "uccx"));
  auto wait = g.add(make(ActionKind::wait_replication, "uccx2", "uccx"));
  auto t1 = g.add(make(ActionKind::restart_service, "uccx1", "uccx", "Cisco Tomcat"));
  auto e1 = g.add(make(ActionKind::restart_service, "uccx1", "uccx", "Cisco Unified CCX Engine"));
  auto t2 = g.add(make(ActionKind::restart_service, "uccx2", "uccx", "Cisco Tomcat"));
  auto e2 = g.add(make(ActionKind::restart_service, "uccx2", "uccx", "Cisco Unified CCX Engine"));
  auto sm_up = g.add(make(ActionKind::upload_trust, "sm1", "sm"));
  auto sm_t = g.add(make(ActionKind::restart_service, "sm1", "sm", "Cisco Tomcat"));
  g.order(up, wait, rules::kReplication);
  g.order(up, t1, rules::kRestartsLast);
  g.order(t1, e1, rules::kRestartsLast);
  g.order(wait, t2, rules::kRestartsLast);
  g.order(t2, e2, rules::kRestartsLast);
  g.order(e1, t2, rules::kRollingRestarts);
  g.order(sm_up, sm_t, rules::kRestartsLast);
  plan.order = *g.topological_order();
  return plan;
}

const NodeDowntime* find(const Estimate& e, const std::string& node) {
  for (const auto& n : e.per_node) {
    if (n.node == node) return &n;
  }
  return nullptr;
}

TEST(Estimate, IsTheCriticalPathAndEachNodesRestartChain) {
  Estimate e = estimate(two_clusters());
  // upload 2; uccx1 Tomcat 1+20+1 (ends 24), Engine 12 (36); uccx2 after it: Tomcat 22 (58), Engine 12 (70).
  EXPECT_DOUBLE_EQ(e.duration_s, 70);
  ASSERT_EQ(e.per_node.size(), 3u);
  const NodeDowntime* uccx1 = find(e, "uccx1");
  ASSERT_NE(uccx1, nullptr);
  EXPECT_EQ(uccx1->cluster, "uccx");
  EXPECT_DOUBLE_EQ(uccx1->down_s, 34);
  EXPECT_EQ(uccx1->restarts, 2);
  const NodeDowntime* sm1 = find(e, "sm1");
  ASSERT_NE(sm1, nullptr);
  EXPECT_EQ(sm1->cluster, "sm");
  EXPECT_DOUBLE_EQ(sm1->down_s, 22);
  EXPECT_EQ(sm1->restarts, 1);
  // Grouped by cluster, each cluster's nodes in run order.
  std::vector<std::string> order;
  for (const auto& n : e.per_node) order.push_back(n.node);
  auto at = [&](const std::string& node) { return std::find(order.begin(), order.end(), node) - order.begin(); };
  EXPECT_EQ(at("uccx2"), at("uccx1") + 1);
  EXPECT_DOUBLE_EQ(node_restart_seconds(two_clusters(), "uccx2"), 34);
  EXPECT_DOUBLE_EQ(node_restart_seconds(two_clusters(), "nobody"), 0);
}

TEST(Estimate, TheTimingOfThePlanDrivesIt) {
  Plan plan = two_clusters();
  plan.timing.restart_by_service.clear();  // every restart 10 s
  Estimate e = estimate(plan);
  EXPECT_DOUBLE_EQ(e.duration_s, 50);  // 2 + 12 + 12 + 12 + 12
  EXPECT_DOUBLE_EQ(find(e, "uccx1")->down_s, 24);
}

TEST(Estimate, ASystemRestartCountsOnceWithItsOwnDuration) {
  Plan plan;
  plan.timing.command_s = 1;
  plan.timing.system_restart_s = 900;
  plan.graph.add(make(ActionKind::restart_system, "fin1", "fin"));
  plan.order = *plan.graph.topological_order();
  Estimate e = estimate(plan);
  EXPECT_DOUBLE_EQ(e.duration_s, 902);
  ASSERT_EQ(e.per_node.size(), 1u);
  EXPECT_EQ(e.per_node[0].restarts, 1);
  EXPECT_DOUBLE_EQ(e.per_node[0].down_s, 902);
}

TEST(Estimate, IsDeterministicToATenthOfASecond) {
  Plan plan;
  plan.timing.command_s = 0.1;
  for (int i = 0; i < 3; ++i) plan.graph.add(make(ActionKind::delete_trust, "uccx1", "uccx"));
  plan.order = *plan.graph.topological_order();
  EXPECT_EQ(estimate(plan).duration_s, 0.9);  // 9 exchanges of 0.1 s, not 0.9000000000000001
  EXPECT_TRUE(estimate(plan).per_node.empty());
}

TEST(Estimate, DurationsReadAsPeopleSayThem) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(2.5), "2.5s");
  EXPECT_EQ(format_duration(3), "3s");
  EXPECT_EQ(format_duration(45), "45s");
  EXPECT_EQ(format_duration(59.6), "1m");
  EXPECT_EQ(format_duration(750), "12m 30s");
  EXPECT_EQ(format_duration(360), "6m");
  EXPECT_EQ(format_duration(3900), "1h 5m");
  EXPECT_EQ(format_duration(7230), "2h");
}

TEST(Estimate, TheLineGroupsNodesByCluster) {
  Estimate e{750, {{"uccx1", "uccx", 360, 6}, {"uccx2", "uccx", 360, 6}, {"sm1", "sm", 240, 2}}};
  EXPECT_EQ(estimate_line(e),
            "Estimated duration: 12m 30s (critical path); services down per node: uccx: uccx1 6m, uccx2 6m; sm: sm1 4m");
  EXPECT_EQ(estimate_line(Estimate{12, {}}), "Estimated duration: 12s (critical path)");
}

// The same two uccx nodes as two_clusters, ordered by the rules from a site whose restart_services is `services`.
Plan ordered_by_the_rules(ServiceRestarts services) {
  Site site;
  site.policy.restart_services = services;
  Cluster uccx;
  uccx.name = "uccx";
  for (const char* name : {"uccx1", "uccx2"}) {
    Node node;
    node.name = name;
    node.cluster = "uccx";
    node.role = uccx.nodes.empty() ? Role::publisher : Role::subscriber;
    uccx.nodes.push_back(node);
  }
  site.clusters.push_back(uccx);
  Plan plan;
  plan.timing.command_s = 1;
  plan.timing.restart_s = 10;
  plan.timing.restart_by_service = {{"Cisco Tomcat", 20}};
  plan.topology = topology_of(site);
  auto& g = plan.graph;
  g.add(make(ActionKind::upload_trust, "uccx1", "uccx"));
  for (const char* node : {"uccx1", "uccx2"}) {
    g.add(make(ActionKind::restart_service, node, "uccx", "Cisco Tomcat"));
    g.add(make(ActionKind::restart_service, node, "uccx", "Cisco Unified CCX Engine"));
  }
  apply_ordering_rules(g, plan.topology);
  plan.order = *g.topological_order();
  return plan;
}

TEST(Estimate, TogetherANodeIsDownForItsLongestRestartAndThePlanWeighsTheOtherChoice) {
  // One by one: upload 2; uccx1 Tomcat 22 + Engine 12 (36); uccx2 the same (70).
  Estimate one = estimate(ordered_by_the_rules(ServiceRestarts::one_by_one));
  EXPECT_DOUBLE_EQ(one.duration_s, 70);
  ASSERT_TRUE(one.other);
  EXPECT_EQ(one.other->restart_services, ServiceRestarts::together);
  // Together: uccx1 down for its Tomcat (22, the Engine's 12 overlapping it): 2 + 22 + 22 = 46.
  EXPECT_DOUBLE_EQ(one.other->duration_s, 46);
  Estimate together = estimate(ordered_by_the_rules(ServiceRestarts::together));
  EXPECT_DOUBLE_EQ(together.duration_s, 46);
  ASSERT_TRUE(together.other);
  EXPECT_EQ(together.other->restart_services, ServiceRestarts::one_by_one);
  EXPECT_DOUBLE_EQ(together.other->duration_s, 70);
  ASSERT_FALSE(together.per_node.empty());
  EXPECT_DOUBLE_EQ(together.per_node.front().down_s, 22);
  EXPECT_EQ(together.per_node.front().restarts, 2);
  EXPECT_DOUBLE_EQ(node_restart_seconds(ordered_by_the_rules(ServiceRestarts::together), "uccx2"), 22);
  EXPECT_EQ(estimate_line(together).rfind("Estimated duration: 46s (critical path; 1m 10s with restart_services = "
                                          "\"one-by-one\"); services down per node: uccx: uccx1 22s, uccx2 22s", 0),
            0u)
      << estimate_line(together);
}

TEST(Estimate, NoOtherChoiceWhereNoNodeRestartsTwoServices) {
  EXPECT_FALSE(estimate(two_clusters()).other) << "a hand-made plan without topology";
  Plan plan = ordered_by_the_rules(ServiceRestarts::one_by_one);
  Plan single;
  single.topology = plan.topology;
  single.graph.add(make(ActionKind::restart_service, "uccx1", "uccx", "Cisco Tomcat"));
  single.order = *single.graph.topological_order();
  EXPECT_FALSE(estimate(single).other);
}

}  // namespace
}  // namespace trustctl::plans
