// `trustctl graph`: the trust graph of examples/uccx-full.toml rendered by Graphviz, and the plan graph of a lab
// before apply (a restart chain per node) and after (nothing to do), as DOT and as SVG.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Graph, TrustGraphOfTheFullExampleRendersWithDotWithoutContactingAnything) {
  // No vos-sim runs: the trust graph is drawn from the site file alone.
  TempDir dir("graph-trust");
  fs::copy(fs::path(TRUSTCTL_SOURCE_DIR) / "examples/uccx-full.toml", dir.path() / "site.toml");
  fs::copy(fs::path(TRUSTCTL_SOURCE_DIR) / "examples/pki", dir.path() / "pki", fs::copy_options::recursive);
  auto dot = run({TRUSTCTL_BIN, "graph", (dir.path() / "site.toml").string(), "--type", "trust"});
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_TRUE(contains(dot.out, "compound=true")) << dot.out;
  EXPECT_TRUE(contains(dot.out, "trusts the whole chain\\nintegration uccx -> partner-api (script)")) << dot.out;

  auto svg_file = dir.path() / "trust.svg";
  auto svg = run({TRUSTCTL_BIN, "graph", (dir.path() / "site.toml").string(), "--type", "trust", "--format", "svg",
                  "--out", svg_file.string()});
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  std::string text = read_text(svg_file);
  EXPECT_TRUE(contains(text, "<svg")) << text.substr(0, 300);
  for (const char* node : {"uccx1", "uccx2", "sm1", "ms1", "cucm1", "partner"}) {
    EXPECT_TRUE(contains(text, std::string(">") + node + "</text>")) << node;
  }
  for (const char* cluster : {"uccx (uccx 12.5)", "socialminer (socialminer 12.5)", "cucm (cucm 14)"}) {
    EXPECT_TRUE(contains(text, cluster)) << cluster;
  }

  auto from_saved = run({TRUSTCTL_BIN, "graph", "--type", "trust", "--from", svg_file.string()});
  EXPECT_EQ(from_saved.exit_code, 1);
  EXPECT_TRUE(contains(from_saved.err, "--type trust draws the site file, not a saved plan")) << from_saved.err;
}

TEST(Graph, PlanGraphDrawsEachNodesRestartsInOneBoxAndSaysWhenThereIsNothingToDo) {
  Lab lab("graph-plan", {.subnet = 152});
  lab.start_sim();
  auto before = lab.trustctl({"graph", lab.site().string()});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(std::count(before.out.begin(), before.out.end(), '\n') > 5, true);
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(contains(before.out, std::string("subgraph \"cluster_") + node + "\" {")) << node;
  }
  EXPECT_TRUE(contains(before.out, "restart, in this order:\\n1. Cisco Tomcat")) << before.out;
  auto svg = lab.trustctl({"graph", lab.site().string(), "--format", "svg"});
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_TRUE(contains(svg.out, "<svg")) << svg.out.substr(0, 300);

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto after = lab.trustctl({"graph", lab.site().string()});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_TRUE(contains(after.err, "Nothing to do")) << after.err;
  EXPECT_TRUE(contains(after.out, "Nothing to do: every node is in the described trust state.")) << after.out;
  EXPECT_FALSE(contains(after.out, "->"));
}

}  // namespace
}  // namespace trustctl::testing
