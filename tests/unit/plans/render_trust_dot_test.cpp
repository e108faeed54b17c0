#include "plans/render_trust_dot.hpp"

#include "plan_fixtures.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RenderTrustDot, ClustersHoldTheirNodesAndIntegrationsAndTrustEntriesAreEdges) {
  auto s = trustctl::testing::mixed_scenario();
  s.site.integrations.push_back({.from = "uccx", .to = "sm"});
  std::string dot = render_trust_dot(s.site, s.registry);
  EXPECT_TRUE(contains(dot, "subgraph \"cluster_uccx\" {")) << dot;
  EXPECT_TRUE(contains(dot, "subgraph \"cluster_sm\" {"));
  for (const char* node : {"uccx1", "uccx2", "fin1", "fin2", "sm1"}) {
    EXPECT_TRUE(contains(dot, std::string("\"node:") + node + "\" [label=")) << node;
  }
  // UCCX -> SocialMiner: each side trusts the other (docs/appliances.md section 6).
  EXPECT_TRUE(contains(dot, "\"node:uccx1\" -> \"node:sm1\" [ltail=\"cluster_uccx\", lhead=\"cluster_sm\""));
  EXPECT_TRUE(contains(dot, "\"node:sm1\" -> \"node:uccx1\" [ltail=\"cluster_sm\", lhead=\"cluster_uccx\""));
  // [[trust]] entries: the cluster's CAs, an absent one dashed, a node-only rule from that node.
  EXPECT_TRUE(contains(dot, "\"node:uccx1\" -> \"trust:corp-root\""));
  EXPECT_TRUE(contains(dot, "must not trust (absent) in tomcat-trust (sites/lab.toml:20:1)"));
  EXPECT_TRUE(contains(dot, "\"node:fin2\" -> \"trust:partner-root\" [label=\"trusts in tomcat-trust"));
}

TEST(RenderTrustDot, NamesFromTheSiteAreQuoted) {
  auto s = trustctl::testing::mixed_scenario();
  s.site.name = "lab \"quoted\"";
  std::string dot = render_trust_dot(s.site, s.registry);
  EXPECT_TRUE(contains(dot, "digraph \"trustctl trust lab \\\"quoted\\\"\" {")) << dot;
}

}  // namespace
}  // namespace trustctl::plans
