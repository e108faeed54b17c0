#include "plans/render_dot.hpp"

#include "golden.hpp"
#include "plan_fixtures.hpp"
#include "plans/graph_view.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace trustctl::plans {
namespace {

using trustctl::testing::matches_golden;
using trustctl::testing::plans_golden_dir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RenderDot, MixedPlanMatchesGolden) {
  auto s = trustctl::testing::mixed_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "mixed.dot", render_dot(s.plan(), s.site)));
}

TEST(RenderDot, ManualRestartPlanMatchesGolden) {
  auto s = trustctl::testing::manual_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "manual.dot", render_dot(s.plan(), s.site)));
}

TEST(RenderDot, OneClusterPerChangedNodeHoldingItsBoxes) {
  auto s = trustctl::testing::mixed_scenario();
  auto plan = s.plan();
  std::string dot = render_dot(plan, s.site);
  for (const char* node : {"uccx1", "uccx2", "fin2", "sm1"}) {
    EXPECT_TRUE(contains(dot, std::string("subgraph \"cluster_") + node + "\" {")) << node;
  }
  EXPECT_FALSE(contains(dot, "cluster_fin1")) << "no empty clusters";
  // Every box of the condensed view appears once, and every edge it keeps once with its rule(s) as the label.
  GraphView view = condense(plan);
  std::size_t boxes = 0, edges = 0;
  for (const auto& line : trustctl::testing::split_lines(dot)) {
    boxes += std::regex_search(line, std::regex("^    a[0-9]+ \\[label="));
    if (std::regex_search(line, std::regex("^  a[0-9]+ -> a[0-9]+( \\[xlabel=\"[a-z, -]+\"\\])?;$"))) ++edges;
  }
  EXPECT_EQ(boxes, view.boxes.size());
  EXPECT_EQ(edges, view.edges.size());
  EXPECT_LT(view.boxes.size(), plan.graph.size()) << "restarts share a box per node";
  // Chain order now lives inside a node's box of writes (listed in run order); the edges between boxes remain.
  EXPECT_TRUE(contains(dot, "tomcat-trust, in this order:\\n1. add Corp Root CA")) << dot;
  EXPECT_TRUE(contains(dot, "[xlabel=\"replication\"]"));
  EXPECT_TRUE(contains(dot, "[xlabel=\"rolling-restarts\"]"));
  EXPECT_TRUE(contains(dot, "a1 -> a8;")) << "restarts-last, the commonest rule, goes unlabelled";
}

TEST(RenderDot, DeterministicAcrossPlans) {
  auto s = trustctl::testing::mixed_scenario();
  EXPECT_EQ(render_dot(s.plan(), s.site), render_dot(s.plan(), s.site));
}

TEST(RenderDot, QuotesWhatTheSiteWrites) {
  EXPECT_EQ(dot_quote("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
}

}  // namespace
}  // namespace trustctl::plans
