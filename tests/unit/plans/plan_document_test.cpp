#include "plans/plan_document.hpp"

#include "plans/plan_file.hpp"
#include "plans/render_json.hpp"

#include "bench/fleet.hpp"
#include "plan_fixtures.hpp"
#include "plans/diff.hpp"
#include "plans/estimate.hpp"
#include "providers/registry.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

using nlohmann::json;

// The saved plan is written straight to text (write_plan_file) and built as a tree for comparison
// (plan_to_file_json): the two must be the same document, member for member and byte for byte.
TEST(PlanDocument, TextIsTheDumpOfTheTree) {
  for (auto make : {&trustctl::testing::mixed_scenario, &trustctl::testing::manual_scenario,
                    &trustctl::testing::empty_scenario}) {
    auto scenario = make();
    auto plan = scenario.plan();
    for (std::string site_path : {plan.site_file, std::string("../sites/lab.toml")}) {
      SavedPlanFields saved{scenario.site, site_path};
      std::string text;
      JsonTextWriter writer(text);
      write_plan_document(writer, plan, &saved);
      JsonTreeBuilder tree;
      write_plan_document(tree, plan, &saved);
      json document = tree.take();
      EXPECT_EQ(text, document.dump(2));
      std::string compact;
      JsonTextWriter compact_writer(compact, JsonTextWriter::Layout::compact);
      write_plan_document(compact_writer, plan, &saved);
      EXPECT_EQ(compact, document.dump());
      EXPECT_EQ(document["site"]["file"], site_path);
    }
    std::string rendered;
    JsonTextWriter writer(rendered);
    write_plan_document(writer, plan);
    EXPECT_EQ(rendered, plan_to_json(plan).dump(2));
  }
}

// A fleet's plan has its estimate worked out on another core while its actions are written: the document holds the
// same estimate as plans::estimate, and the text is still the tree's dump.
TEST(PlanDocument, AFleetsEstimateWorkedOutAsideIsTheEstimate) {
  auto fleet = bench::make_fleet({.nodes = 400});
  auto registry = providers::make_registry();
  auto plan = make_plan(fleet.site, fleet.live, registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  ASSERT_GE(plan->graph.size(), 2000u) << "large enough for the estimate to be worked out aside";
  const Estimate expected = estimate(*plan);
  SavedPlanFields saved{fleet.site, plan->site_file};
  JsonTreeBuilder tree;
  write_plan_document(tree, *plan, &saved);
  json document = tree.take();
  EXPECT_EQ(document["estimate"]["duration_s"].get<double>(), expected.duration_s);
  ASSERT_TRUE(expected.other.has_value());
  EXPECT_EQ(document["estimate"]["other"]["duration_s"].get<double>(), expected.other->duration_s);
  ASSERT_EQ(document["estimate"]["per_node"].size(), expected.per_node.size());
  for (std::size_t k = 0; k < expected.per_node.size(); ++k) {
    EXPECT_EQ(document["estimate"]["per_node"][k]["node"], expected.per_node[k].node);
    EXPECT_EQ(document["estimate"]["per_node"][k]["down_s"].get<double>(), expected.per_node[k].down_s);
  }
  std::string text;
  JsonTextWriter writer(text, JsonTextWriter::Layout::compact);
  write_plan_document(writer, *plan, &saved);
  EXPECT_EQ(text, document.dump());
}

TEST(PlanDocument, OnlyTheSavedPlanNamesTheSiteRelativeToItself) {
  auto s = trustctl::testing::mixed_scenario();
  auto plan = s.plan();
  SavedPlanFields saved{s.site, "../sites/lab.toml"};
  JsonTreeBuilder tree;
  write_plan_document(tree, plan, &saved);
  json document = tree.take();
  std::string source = document["actions"][0]["source"];
  EXPECT_EQ(source.rfind("../sites/lab.toml:", 0), 0u) << source;
  for (const char* key : {"certificates", "edges", "layout", "timing", "trustctl_version"}) {
    EXPECT_TRUE(document.contains(key)) << key;
    EXPECT_FALSE(plan_to_json(plan).contains(key)) << key << " is the saved plan's alone";
  }
  EXPECT_EQ(plan_to_json(plan)["actions"][0]["source"].get<std::string>().rfind("sites/lab.toml:", 0), 0u);
}

}  // namespace
}  // namespace trustctl::plans
