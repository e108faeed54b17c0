#include "plans/graph_view.hpp"

#include "bench/fleet.hpp"
#include "plan_fixtures.hpp"
#include "plans/render_dot.hpp"

#include <gtest/gtest.h>

#include <set>

namespace trustctl::plans {
namespace {

// Box pairs (before, after) reachable through the view's edges.
std::set<std::pair<std::size_t, std::size_t>> reachable(const GraphView& view) {
  std::vector<std::vector<std::size_t>> next(view.boxes.size());
  for (const auto& e : view.edges) next[e.before].push_back(e.after);
  std::set<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t start = 0; start < view.boxes.size(); ++start) {
    std::vector<std::size_t> stack = next[start];
    while (!stack.empty()) {
      std::size_t at = stack.back();
      stack.pop_back();
      if (!out.emplace(start, at).second) continue;
      for (auto n : next[at]) stack.push_back(n);
    }
  }
  return out;
}

std::vector<std::size_t> box_of_actions(const GraphView& view, std::size_t actions) {
  std::vector<std::size_t> box_of(actions, 0);
  for (std::size_t b = 0; b < view.boxes.size(); ++b) {
    for (auto i : view.boxes[b].actions) box_of[i] = b;
  }
  return box_of;
}

TEST(GraphView, TenNodePlanKeepsEveryOrderingWithOneRestartBoxPerNodeAndNoImpliedEdge) {
  auto fleet = bench::make_fleet({.nodes = 10});
  auto registry = providers::make_registry();
  auto plan = make_plan(fleet.site, fleet.live, registry, {});
  ASSERT_TRUE(plan) << plan.error().describe();
  GraphView view = condense(*plan);

  // Every action is in exactly one box; each node's restarts share one box, and so do its writes and its waits.
  std::size_t boxed = 0;
  std::map<std::string, int> chains;
  for (const auto& box : view.boxes) {
    boxed += box.actions.size();
    for (auto i : box.actions) {
      const Action& a = plan->graph.action(i);
      EXPECT_EQ(a.node, box.node);
      if (box.group == BoxGroup::restarts) {
        EXPECT_EQ(a.kind, ActionKind::restart_service);
      } else if (box.group == BoxGroup::replication_waits) {
        EXPECT_EQ(a.kind, ActionKind::wait_replication);
      } else if (box.group == BoxGroup::trust_writes) {
        EXPECT_TRUE(a.kind == ActionKind::upload_trust || a.kind == ActionKind::delete_trust);
      }
    }
    chains[box.node] += box.group == BoxGroup::restarts || (box.group == BoxGroup::single &&
                                                             plan->graph.action(box.actions.front()).kind ==
                                                                 ActionKind::restart_service);
  }
  EXPECT_EQ(boxed, plan->graph.size());
  for (const auto& [node, count] : chains) EXPECT_LE(count, 1) << node << " has its restarts in more than one box";
  EXPECT_LT(view.boxes.size(), plan->graph.size() / 2) << "writes, waits and restarts share a box per node";
  std::set<std::string> restarted;
  for (const auto& a : plan->graph.actions()) {
    if (a.kind == ActionKind::restart_service) restarted.insert(a.node);
  }
  ASSERT_GE(restarted.size(), 8u) << "the fleet changes most nodes";

  // Nothing the plan orders is lost: each plan edge between two boxes is still a path in the view.
  auto paths = reachable(view);
  auto box_of = box_of_actions(view, plan->graph.size());
  for (auto [before, after] : plan->graph.edges()) {
    if (box_of[before] == box_of[after]) continue;
    EXPECT_TRUE(paths.count({box_of[before], box_of[after]}))
        << plan->graph.action(before).id() << " -> " << plan->graph.action(after).id();
  }
  // And no edge is drawn that another path already implies (the transitive reduction).
  for (const auto& e : view.edges) {
    GraphView without = view;
    without.edges.erase(std::find_if(without.edges.begin(), without.edges.end(), [&](const ViewEdge& x) {
      return x.before == e.before && x.after == e.after;
    }));
    EXPECT_FALSE(reachable(without).count({e.before, e.after})) << "implied edge " << e.before << " -> " << e.after;
  }
  EXPECT_LT(view.edges.size(), plan->graph.edges().size());
}

TEST(GraphView, RestartChainBoxListsTheServicesInOrder) {
  auto s = trustctl::testing::mixed_scenario();
  std::string dot = render_dot(s.plan(), s.site);
  EXPECT_NE(dot.find("restart, in this order:\\n1. Cisco Tomcat\\n2. Cisco Unified CCX Engine\\n3. Cisco Finesse "
                     "Tomcat\\n4. Cisco Unified CCX Notification Service"),
            std::string::npos)
      << dot;
}

TEST(GraphView, EmptyPlanSaysNothingToDo) {
  auto s = trustctl::testing::empty_scenario();
  std::string dot = render_dot(s.plan(), s.site);
  EXPECT_NE(dot.find("Nothing to do"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("->"), std::string::npos);
}

}  // namespace
}  // namespace trustctl::plans
