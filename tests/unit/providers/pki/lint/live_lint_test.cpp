// Lint of what is deployed: identities refresh read and the tomcat-trust entries an integration relies on, judged by
// the rules that hold for a certificate in place, each finding naming the node and the calls it breaks.

#include "providers/pki/lint/live_lint.hpp"

#include "lint_test_pki.hpp"
#include "providers/registry.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

namespace trustctl::pki::lint::testing {
namespace {

using trustctl::testing::make_cluster;

// UCCX (uccx1, uccx2) calls CUCM (cucm1); SocialMiner (sm1) is integrated with UCCX both ways. Every identity is
// signed by `ca`, which every store holds.
struct LiveScenario {
  Ca ca = root_ca("Corp Root CA");
  Site site;
  LiveState live;
  providers::Registry registry = providers::make_registry();

  LiveScenario() {
    site.clusters = {make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}),
                     make_cluster("cucm", Product::cucm, {"cucm1"}),
                     make_cluster("sm", Product::socialminer, {"sm1"})};
    site.clusters[0].version = "12.5";
    site.integrations.push_back(Integration{.from = "uccx", .to = "cucm", .region = {.file = nullptr, .line = 40, .column = 1}});
    site.integrations.push_back(Integration{.from = "uccx", .to = "sm", .region = {.file = nullptr, .line = 44, .column = 1}});
    for (const char* node : {"uccx1", "uccx2", "cucm1", "sm1"}) {
      live.nodes[node].node = node;
      live.nodes[node].identities["tomcat"] = {leaf(std::string(node) + ".lab.example", &ca)};
      live.nodes[node].stores["tomcat-trust"].push_back({"Corp_Root_CA.pem", ca.certificate});
    }
  }
  std::vector<LiveFinding> run() const { return lint_live(site, live, registry); }
};

std::vector<LiveFinding> of(const std::vector<LiveFinding>& found, const std::string& rule) {
  std::vector<LiveFinding> out;
  for (const auto& f : found) {
    if (f.finding.rule == rule) out.push_back(f);
  }
  return out;
}

TEST(LiveLint, AHealthySiteHasNoFindings) {
  LiveScenario t;
  auto found = t.run();
  EXPECT_TRUE(found.empty()) << found.front().finding.message;
}

TEST(LiveLint, ACucmIdentityWithACriticalEkuBreaksUccxToCucmAndNamesNodeAndIntegration) {
  LiveScenario t;
  t.live.nodes["cucm1"].identities["tomcat"] = {
      leaf("cucm1.lab.example", &t.ca, "rsa-2048",
           {.server_auth = false, .extra_extensions = {{"extendedKeyUsage", "critical,serverAuth,clientAuth"}}})};
  auto found = of(t.run(), "TC003");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].node, "cucm1");
  EXPECT_EQ(found[0].unit, "tomcat");
  EXPECT_EQ(found[0].finding.severity, Severity::error);
  EXPECT_TRUE(found[0].finding.deployed);
  EXPECT_NE(found[0].finding.subject.find("(tomcat on cucm1)"), std::string::npos) << found[0].finding.subject;
  EXPECT_NE(found[0].finding.message.find("it breaks the integration uccx -> cucm (<site>:40:1)"), std::string::npos)
      << found[0].finding.message;
  ASSERT_EQ(found[0].breaks.size(), 1u);
  EXPECT_EQ(found[0].breaks[0].caller_cluster, "uccx");
  EXPECT_EQ(found[0].breaks[0].callee_node, "cucm1");
}

TEST(LiveLint, AnExpiredOrNotYetValidIdentityBreaksEveryCallToIt) {
  LiveScenario t;
  t.live.nodes["sm1"].identities["tomcat"] = {
      leaf("sm1.lab.example", &t.ca, "rsa-2048", {.days = 30, .not_before_offset_days = -60})};
  auto found = of(t.run(), "TC006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].node, "sm1");
  EXPECT_NE(found[0].finding.message.find("expired"), std::string::npos) << found[0].finding.message;
  ASSERT_EQ(found[0].breaks.size(), 1u) << "UCCX calls SocialMiner";
  EXPECT_EQ(found[0].breaks[0].caller_cluster, "uccx");

  t.live.nodes["sm1"].identities["tomcat"] = {
      leaf("sm1.lab.example", &t.ca, "rsa-2048", {.days = 30, .not_before_offset_days = 2})};
  found = of(t.run(), "TC006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].finding.message.find("is not valid before"), std::string::npos) << found[0].finding.message;
  EXPECT_EQ(found[0].breaks.size(), 1u);
}

// TC003 is what UCCX's calls to CUCM refuse (docs/appliances.md section 6): the same extension elsewhere is not it.
TEST(LiveLint, ACriticalEkuOnSocialMinerIsNotTc003) {
  LiveScenario t;
  t.live.nodes["sm1"].identities["tomcat"] = {
      leaf("sm1.lab.example", &t.ca, "rsa-2048",
           {.server_auth = false, .extra_extensions = {{"extendedKeyUsage", "critical,serverAuth,clientAuth"}}})};
  EXPECT_TRUE(of(t.run(), "TC003").empty());
}

TEST(LiveLint, AnExpiredCaInTheCallersStoreOnTheCalleesPathBreaksThatCall) {
  LiveScenario t;
  auto old_ca = root_ca("Old CUCM CA", "ec-256", {.days = 30, .not_before_offset_days = -90});
  t.live.nodes["cucm1"].identities["tomcat"] = {leaf("cucm1.lab.example", &old_ca)};
  for (const char* node : {"uccx1", "uccx2"}) {
    t.live.nodes[node].stores["tomcat-trust"].push_back({"Old_CUCM_CA.pem", old_ca.certificate});
  }
  auto found = of(t.run(), "TC006");
  ASSERT_EQ(found.size(), 2u) << "the entry on each UCCX node";
  EXPECT_EQ(found[0].node, "uccx1");
  EXPECT_EQ(found[0].unit, "tomcat-trust");
  ASSERT_EQ(found[0].breaks.size(), 1u);
  EXPECT_EQ(found[0].breaks[0].callee_node, "cucm1");
}

TEST(LiveLint, AnRsaSignedTomcatEcdsaIsTc005AndBreaksNoCall) {
  LiveScenario t;
  auto rsa_ca = root_ca("RSA CA", "rsa-2048");
  t.live.nodes["sm1"].identities["tomcat-ECDSA"] = {leaf("sm1.lab.example", &rsa_ca, "ec-256")};
  auto found = of(t.run(), "TC005");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].unit, "tomcat-ECDSA");
  EXPECT_TRUE(found[0].breaks.empty()) << "never presented (docs/appliances.md section 10)";
}

}  // namespace
}  // namespace trustctl::pki::lint::testing
