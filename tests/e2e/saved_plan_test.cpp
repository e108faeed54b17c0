// The plan renderings and saved plans through the real trustctl binary against a real vos-sim: plan --out writes a
// plan bound to what was observed, plan --from renders it again without connecting, Markdown and DOT come out of the
// same plan, and a plan file that does not belong to the site is called stale.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(SavedPlan, PlanOutThenFromRendersTheSamePlanWithoutConnecting) {
  Lab lab("saved-plan", {.subnet = 90});
  lab.start_sim();
  auto plan_file = lab.dir() / "plan.json";

  auto plan = lab.trustctl({"plan", lab.site().string(), "--out", plan_file.string(), "--detailed-exitcode"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.err, "Saved this plan to " + plan_file.string())) << plan.err;
  auto saved = nlohmann::json::parse(read_text(plan_file));
  EXPECT_EQ(saved["format_version"], 1);
  EXPECT_EQ(saved["observed"].size(), 2u) << "one observed-state digest per node";
  EXPECT_EQ(saved["site"]["digest_sha256"].get<std::string>().size(), 64u);
  ASSERT_TRUE(saved["actions"][0].contains("certificate")) << saved["actions"][0].dump();
  std::string root = saved["actions"][0]["certificate"]["fingerprint_sha256"];
  EXPECT_TRUE(contains(saved["certificates"][root].get<std::string>(), "BEGIN CERTIFICATE"));
  EXPECT_FALSE(saved["edges"].empty());
  EXPECT_FALSE(contains(read_text(plan_file), "lab-secret-1")) << "no secret in a plan file";

  // The simulator is gone: --from must not connect, and renders what plan printed.
  lab.sim->stop();
  auto again = lab.trustctl({"plan", "--from", plan_file.string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_EQ(again.out, plan.out);

  auto json = lab.trustctl({"plan", "--from", plan_file.string(), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto rendered = nlohmann::json::parse(json.out);
  EXPECT_EQ(rendered["actions"].size(), saved["actions"].size());
  EXPECT_FALSE(rendered.contains("certificates")) << "the JSON rendering stays lean";

  auto markdown = lab.trustctl({"plan", "--from", plan_file.string(), "--format", "markdown"});
  ASSERT_EQ(markdown.exit_code, 0) << markdown.err;
  EXPECT_TRUE(contains(markdown.out, "### trustctl plan for e2e")) << markdown.out;
  EXPECT_TRUE(contains(markdown.out, "| uccx1 | uccx | publisher |")) << markdown.out;
  EXPECT_FALSE(contains(markdown.out, "\033")) << markdown.out;

  // With the site file given, an edited site makes the saved plan stale, and plan --from says so.
  auto fresh = lab.trustctl({"plan", "--from", plan_file.string(), lab.site().string()});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_FALSE(contains(fresh.err, "stale")) << fresh.err;
  lab.write_site("\n# an edit\n");
  auto stale = lab.trustctl({"plan", "--from", plan_file.string(), lab.site().string()});
  EXPECT_EQ(stale.exit_code, 0) << stale.err;
  EXPECT_TRUE(contains(stale.err, "is stale: the site file")) << stale.err;
}

TEST(SavedPlan, GraphPrintsTheActionGraphAsDot) {
  Lab lab("graph", {.subnet = 91});
  lab.start_sim();
  auto graph = lab.trustctl({"graph", lab.site().string()});
  ASSERT_EQ(graph.exit_code, 0) << graph.out << graph.err;
  EXPECT_EQ(graph.out.rfind("digraph \"trustctl plan e2e\" {", 0), 0u) << graph.out;
  EXPECT_TRUE(contains(graph.out, "subgraph \"cluster_uccx1\"")) << graph.out;
  EXPECT_TRUE(contains(graph.out, "subgraph \"cluster_uccx2\"")) << graph.out;
  // Chain order is the order inside uccx1's box of writes; replication orders uccx2's waits after it.
  EXPECT_TRUE(contains(graph.out, "tomcat-trust, in this order:\\n1. add Corp Root CA")) << graph.out;
  EXPECT_TRUE(contains(graph.out, "[xlabel=\"replication\"]")) << graph.out;
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), 0) << "graph never writes";

  auto out = lab.dir() / "plan.dot";
  auto to_file = lab.trustctl({"graph", lab.site().string(), "--out", out.string()});
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_TRUE(to_file.out.empty()) << to_file.out;
  EXPECT_EQ(read_text(out), graph.out) << "deterministic: two refreshes of the same state draw the same graph";
}

TEST(SavedPlan, UnreadablePlanFilesAreOneClearError) {
  Lab lab("bad-plan", {.subnet = 92});
  write_text(lab.dir() / "broken.json", "{\"format_version\": 9}");
  auto newer = lab.trustctl({"plan", "--from", (lab.dir() / "broken.json").string()});
  EXPECT_EQ(newer.exit_code, 1);
  EXPECT_TRUE(contains(newer.err, "broken.json: format_version 9 is not supported")) << newer.err;

  auto neither = lab.trustctl({"plan"});
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_TRUE(contains(neither.err, "--from")) << neither.err;
}

}  // namespace
}  // namespace trustctl::testing
