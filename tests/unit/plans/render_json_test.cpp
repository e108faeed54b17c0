#include "plans/render_json.hpp"

#include "plans/plan_file.hpp"

#include "golden.hpp"
#include "support/json_schema_subset.hpp"
#include "plan_fixtures.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace trustctl::plans {
namespace {

using nlohmann::json;
using trustctl::testing::matches_golden;
using trustctl::testing::plans_golden_dir;
using trustctl::testing::SchemaChecker;

json plan_schema() {
  std::ifstream in(std::string(TRUSTCTL_SOURCE_DIR) + "/schemas/plan.schema.json");
  return json::parse(in);
}

std::string problems_text(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

TEST(RenderJson, MixedPlanMatchesGolden) {
  auto s = trustctl::testing::mixed_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "mixed.json", plan_to_json(s.plan()).dump(2) + "\n"));
}

// What `plan --format json` printed when it built the tree (cli::print_json: the document with trustctl_version,
// dump(2), bad UTF-8 replaced, a newline) is what print_plan_json writes as it goes, byte for byte: every scenario,
// text beyond ASCII and not UTF-8, and a plan longer than one of the chunks the text is handed over in.
TEST(RenderJson, PrintedAsItIsWrittenTheSameTextAsTheTreePrinted) {
  auto printed_from_tree = [](const Plan& plan) {
    json doc = plan_to_json(plan);
    doc["trustctl_version"] = TRUSTCTL_VERSION;
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  };
  auto printed = [](const Plan& plan) {
    std::ostringstream out;
    print_plan_json(out, plan);
    return out.str();
  };
  for (auto make : {&trustctl::testing::mixed_scenario, &trustctl::testing::manual_scenario,
                    &trustctl::testing::empty_scenario}) {
    auto plan = make().plan();
    EXPECT_EQ(printed(plan), printed_from_tree(plan));
  }
  auto plan = trustctl::testing::mixed_scenario().plan();
  plan.notes.push_back("Zürich \xff\xfe not UTF-8 \xc3");
  const std::string long_note(1000, 'n');
  for (int k = 0; k < 6000; ++k) plan.notes.push_back(long_note + std::to_string(k));
  const std::string text = printed(plan);
  EXPECT_GT(text.size(), 5u << 20);
  EXPECT_EQ(text, printed_from_tree(plan));
  EXPECT_NE(text.find("Zürich \xef\xbf\xbd\xef\xbf\xbd not UTF-8 \xef\xbf\xbd"), std::string::npos);
}

TEST(RenderJson, EveryScenarioConformsToTheSchema) {
  SchemaChecker checker(plan_schema());
  for (auto make : {&trustctl::testing::mixed_scenario, &trustctl::testing::manual_scenario,
                    &trustctl::testing::empty_scenario}) {
    auto scenario = make();
    auto plan = scenario.plan();
    auto problems = checker.check(plan_to_json(plan));
    EXPECT_TRUE(problems.empty()) << problems_text(problems);
    auto saved = checker.check(plan_to_file_json(plan, scenario.site));
    EXPECT_TRUE(saved.empty()) << "the saved plan is described by the same schema:\n" << problems_text(saved);
  }
}

TEST(RenderJson, SchemaCheckerCatchesWhatTheSchemaForbids) {
  // The checker must be able to fail, or the conformance test above proves nothing.
  SchemaChecker checker(plan_schema());
  auto s = trustctl::testing::mixed_scenario();
  json good = plan_to_json(s.plan());
  ASSERT_TRUE(checker.check(good).empty());

  json missing = good;
  missing.erase("summary");
  EXPECT_EQ(problems_text(checker.check(missing)), "$: missing summary\n");

  json wrong_type = good;
  wrong_type["actions"][0]["after"] = "nothing";
  EXPECT_EQ(problems_text(checker.check(wrong_type)), "$.actions[0].after: expected type \"array\", got string\n");

  json unknown_kind = good;
  unknown_kind["actions"][0]["kind"] = "format-disk";
  EXPECT_NE(problems_text(checker.check(unknown_kind)).find("is not one of"), std::string::npos);

  json extra = good;
  extra["actions"][0]["secret"] = "x";
  EXPECT_EQ(problems_text(checker.check(extra)), "$.actions[0].secret: not allowed (additionalProperties is false)\n");

  json bad_fingerprint = good;
  bad_fingerprint["actions"][0]["certificate"]["fingerprint_sha256"] = "AB:CD";
  EXPECT_NE(problems_text(checker.check(bad_fingerprint)).find("does not match"), std::string::npos);

  SchemaChecker unsupported(json{{"type", "object"}, {"oneOf", json::array()}});
  EXPECT_FALSE(unsupported.check(json::object()).empty()) << "unknown keywords are reported, never ignored";
}

TEST(RenderJson, ActionsAreInRunOrderWithTheirRules) {
  auto s = trustctl::testing::mixed_scenario();
  auto plan = s.plan();
  json j = plan_to_json(plan);
  ASSERT_EQ(j["actions"].size(), plan.order.size());
  std::map<std::string, std::size_t> position;
  for (std::size_t k = 0; k < j["actions"].size(); ++k) position[j["actions"][k]["id"]] = k;
  ASSERT_EQ(position.size(), plan.order.size()) << "ids are unique";
  std::size_t edges = 0;
  for (std::size_t k = 0; k < j["actions"].size(); ++k) {
    for (const auto& after : j["actions"][k]["after"]) {
      ASSERT_TRUE(position.count(after["id"])) << after;
      EXPECT_LT(position[after["id"]], k) << "an action is listed after what it waits for";
      EXPECT_FALSE(after["rule"].get<std::string>().empty());
      ++edges;
    }
  }
  EXPECT_EQ(edges, plan.graph.edges().size());
  EXPECT_EQ(j["summary"]["restarts"], plan.summary().restarts);
  EXPECT_EQ(j["summary"]["no_changes"], false);
}

}  // namespace
}  // namespace trustctl::plans
