#include "plans/plan_target.hpp"

#include "plan_fixtures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace trustctl::plans {
namespace {

bool pulled(const Plan& plan, const std::string& prefix) {
  const auto& ids = plan.target.pulled_in;
  return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) { return id.rfind(prefix, 0) == 0; });
}

TEST(PlanTarget, ANodeKeepsItsActionsAndEverythingTheyComeAfter) {
  auto s = testing::mixed_scenario();
  Plan whole = s.plan();
  Plan plan = whole;
  PlanTarget target{.nodes = {"uccx2"}};
  auto nodes = select_nodes(s.site, target);
  ASSERT_TRUE(nodes) << nodes.error().describe();
  EXPECT_EQ(*nodes, std::set<std::string>{"uccx2"});
  limit_plan(plan, *nodes, target);

  EXPECT_TRUE(plan.target.partial());
  EXPECT_TRUE(pulled(plan, "uccx1:upload-trust:")) << "uccx2's replicated copies need the publisher's uploads";
  // Every kept action is on the target or named as pulled in, and every predecessor it had in the whole plan is kept.
  std::map<std::string, ActionGraph::Index> kept;
  for (ActionGraph::Index i = 0; i < plan.graph.size(); ++i) kept[plan.graph.action(i).id()] = i;
  for (const auto& [id, i] : kept) {
    const Action& a = plan.graph.action(i);
    bool listed = std::find(plan.target.pulled_in.begin(), plan.target.pulled_in.end(), id) !=
                  plan.target.pulled_in.end();
    EXPECT_TRUE(a.node == "uccx2" || listed) << id;
  }
  for (ActionGraph::Index i = 0; i < whole.graph.size(); ++i) {
    if (!kept.count(whole.graph.action(i).id())) continue;
    for (auto before : whole.graph.predecessors(i)) {
      EXPECT_TRUE(kept.count(whole.graph.action(before).id()))
          << whole.graph.action(before).id() << " must stay before " << whole.graph.action(i).id();
    }
  }
  // Nothing on another cluster, and the run order is still a topological order of the kept graph.
  for (const auto& a : plan.graph.actions()) EXPECT_TRUE(a.cluster == "uccx") << a.id();
  EXPECT_EQ(plan.order.size(), plan.graph.size());
  std::vector<std::size_t> position(plan.graph.size());
  for (std::size_t k = 0; k < plan.order.size(); ++k) position[plan.order[k]] = k;
  for (const auto& [before, after] : plan.graph.edges()) EXPECT_LT(position[before], position[after]);
  EXPECT_TRUE(plan.observed.count("uccx2"));
  EXPECT_FALSE(plan.observed.count("fin1")) << "only the nodes the kept actions touch";
}

TEST(PlanTarget, ExcludingAClusterLeavesTheRestAndAWholeSiteTargetChangesNothing) {
  auto s = testing::mixed_scenario();
  Plan plan = s.plan();
  PlanTarget target{.exclude_clusters = {"uccx"}};
  auto nodes = select_nodes(s.site, target);
  ASSERT_TRUE(nodes);
  EXPECT_FALSE(nodes->count("uccx1"));
  EXPECT_TRUE(nodes->count("fin2"));
  limit_plan(plan, *nodes, target);
  for (const auto& a : plan.graph.actions()) EXPECT_NE(a.cluster, "uccx") << a.id();
  EXPECT_FALSE(plan.empty());

  Plan whole = s.plan();
  auto size = whole.graph.size();
  auto every = select_nodes(s.site, {});
  ASSERT_TRUE(every);
  limit_plan(whole, *every, {});
  EXPECT_EQ(whole.graph.size(), size);
  EXPECT_FALSE(whole.target.partial());
  EXPECT_EQ(describe_target(whole.target), "");
}

TEST(PlanTarget, UnknownNamesAndEmptySelectionsAreRefusedNamingWhatExists) {
  auto s = testing::mixed_scenario();
  auto unknown = select_nodes(s.site, {.clusters = {"ucx"}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("--cluster ucx"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("finesse"), std::string::npos) << "lists the clusters";
  auto node = select_nodes(s.site, {.exclude_nodes = {"fin9"}});
  ASSERT_FALSE(node);
  EXPECT_NE(node.error().message.find("--exclude-node fin9"), std::string::npos);
  auto none = select_nodes(s.site, {.clusters = {"sm"}, .exclude_nodes = {"sm1"}});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("leave no node"), std::string::npos);
}

}  // namespace
}  // namespace trustctl::plans
