#include "engine/graph/action_graph.hpp"

#include "support/test_actions.hpp"

#include <gtest/gtest.h>

namespace trustctl {
namespace {

using testing::restart;

TEST(ActionGraph, TopologicalOrderRespectsEdgesAndKeepsInsertionOrderForTies) {
  ActionGraph g;
  auto a = g.add(restart("a"));
  auto b = g.add(restart("b"));
  auto c = g.add(restart("c"));
  g.order(c, a, "test-rule");
  auto order = g.topological_order();
  ASSERT_TRUE(order);
  EXPECT_EQ(*order, (std::vector<ActionGraph::Index>{b, c, a}));
}

// A move hands the vertices and edges over (Boost's adjacency_list alone would copy them); a copy keeps both whole.
TEST(ActionGraph, AMoveHandsTheGraphOverAndACopyKeepsBoth) {
  ActionGraph g;
  auto a = g.add(restart("a"));
  auto b = g.add(restart("b"));
  g.order(a, b, "test-rule");
  ActionGraph copy = g;
  EXPECT_EQ(copy.edges(), g.edges());
  ActionGraph moved = std::move(g);
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved.rule_of(a, b), "test-rule");
  EXPECT_TRUE(g.edges().empty()) << "the moved-from graph gave its edges away";  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(g.size(), 0u);
  ActionGraph assigned;
  assigned.add(restart("c"));
  assigned = std::move(moved);
  EXPECT_EQ(assigned.edges(), copy.edges());
  EXPECT_EQ(assigned.action(b).id(), copy.action(b).id());
  EXPECT_TRUE(moved.edges().empty());  // NOLINT(bugprone-use-after-move)
  // The moved-from graph is empty and usable, and a copy does not share its edges with the original.
  auto d = g.add(restart("d"));  // NOLINT(bugprone-use-after-move)
  auto e = g.add(restart("e"));
  g.order(d, e, "after-move");
  EXPECT_EQ(g.rule_of(d, e), "after-move");
  copy.order(b, a, "copy-only");
  EXPECT_EQ(assigned.rule_of(b, a), "");
  ActionGraph copied_over;
  copied_over = copy;
  EXPECT_EQ(copied_over.edges(), copy.edges());
}

TEST(ActionGraph, DuplicateEdgesAreIgnored) {
  ActionGraph g;
  auto a = g.add(restart("a"));
  auto b = g.add(restart("b"));
  g.order(a, b, "first");
  g.order(a, b, "second");
  EXPECT_EQ(g.edges().size(), 1u);
  EXPECT_EQ(g.rule_of(a, b), "first");
}

TEST(ActionGraph, CycleIsReportedAsAPathWithTheRules) {
  ActionGraph g;
  auto a = g.add(restart("a"));
  auto b = g.add(restart("b"));
  g.order(a, b, "rule-one");
  g.order(b, a, "rule-two");
  auto order = g.topological_order();
  ASSERT_FALSE(order);
  EXPECT_EQ(order.error().code, ErrorCode::cycle);
  EXPECT_NE(order.error().message.find("a:restart:Cisco Tomcat -> b:restart:Cisco Tomcat -> a:restart:Cisco Tomcat"),
            std::string::npos)
      << order.error().message;
  EXPECT_NE(order.error().message.find("rule-one, rule-two"), std::string::npos) << order.error().message;
}

}  // namespace
}  // namespace trustctl
